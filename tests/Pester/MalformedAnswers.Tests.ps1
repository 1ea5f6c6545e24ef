<#
    Answers Vault would never give (bad JSON, wrong types, missing data, a 50 MB body, with or without a
    Content-Length) become one
    VaultDrInvalidResponse ErrorRecord, never a crash or a half-filled object.
#>
BeforeDiscovery {
    $attempt = '/v1/sys/replication/dr/secondary/generate-operation-token/attempt'
    $update = '/v1/sys/replication/dr/secondary/generate-operation-token/update'
    # Each cmdlet: the call whose answer is malformed, and the good answers needed before it.
    $cmdlets = @(
        @{ Name = 'Get-VaultDrStatus'; Method = 'GET'; Path = '/v1/sys/replication/dr/status'; WrongTypes = @('{"data":{"mode":"primary","last_wal":"abc"}}', '{"data":{"mode":"primary","secondaries":{}}}'); NeedsData = $true }
        @{ Name = 'New-VaultDrSecondaryToken'; Method = 'POST'; Path = '/v1/sys/replication/dr/primary/secondary-token'; WrongTypes = @('{"wrap_info":{"token":"x","ttl":"abc"}}', '{"wrap_info":"token"}'); NeedsData = $true }
        @{ Name = 'Get-VaultDrOperationTokenProgress'; Method = 'GET'; Path = $attempt; WrongTypes = @('{"started":true,"progress":"x","required":3}', '{"started":"maybe"}'); NeedsData = $true }
        @{ Name = 'New-VaultDrOperationToken'; Method = 'PUT'; Path = $update; WrongTypes = @('{"started":true,"nonce":"n","progress":"x","required":1}', '{"complete":true,"encoded_token":{}}'); NeedsData = $true }
        @{ Name = 'New-VaultDrSecondaryPublicKey'; Method = 'POST'; Path = '/v1/sys/replication/dr/secondary/generate-public-key'; WrongTypes = @('{"data":{"secondary_public_key":{}}}', '{"data":[1]}'); NeedsData = $true }
    )
    $script:Cases = foreach ($cmdlet in $cmdlets) {
        $answers = [ordered]@{
            'invalid JSON'             = @{ Status = 200; Body = '{"data":{"mode":' }
            'a JSON array'             = @{ Status = 200; Body = '[{"data":{}}]' }
            'wrong type 1'             = @{ Status = 200; Body = $cmdlet.WrongTypes[0] }
            'wrong type 2'             = @{ Status = 200; Body = $cmdlet.WrongTypes[1] }
            'missing data'             = @{ Status = 200; Body = '{"request_id":"r","data":null,"wrap_info":null}' }
            '200 with errors'          = @{ Status = 200; Body = '{"errors":["backend hiccup"],"data":{}}' }
            'an HTML 502 page'         = @{ Status = 502; Body = '<html><body><h1>502 Bad Gateway</h1></body></html>'; Id = 'VaultDrServerError'; Category = 'NotSpecified' }
            'an empty 200'             = @{ Status = 200; Body = $null }
            'a 50 MB body'             = @{ Status = 200; Body = 'HUGE'; Message = 'too large' }
            'a 50 MB chunked body'     = @{ Status = 200; Body = 'HUGE'; Message = 'too large'; Chunked = $true }
        }
        foreach ($kind in $answers.Keys) {
            $cmdlet + $answers[$kind] + @{ Kind = $kind }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # One 50 MB answer, valid JSON, made once: a runaway server, not a parse error.
    $script:HugeBody = '{"data":{"mode":"primary","padding":"' + ('x' * (50 * 1024 * 1024)) + '"}}'
    $script:Shares = [securestring[]]@(ConvertTo-TestSecret $KeyShareTexts[0])
    $script:Started = '{"started":true,"nonce":"' + $Nonce + '","progress":0,"required":1,"otp":"' + $OtpText + '","otp_length":28,"complete":false}'
    $script:NotStarted = '{"started":false,"nonce":"","progress":0,"required":1,"complete":false}'
    $script:Stub = Start-StubVault
}
AfterAll { $Stub.Dispose() }

Describe 'Malformed answers are InvalidResult errors' {
    It '<Name> given <Kind>' -ForEach $Cases {
        $Stub.ClearRequests()
        $body = if ($Body -eq 'HUGE') { $HugeBody } else { $Body }
        if ($Name -eq 'New-VaultDrOperationToken') {
            $null = $Stub.Respond('GET', '/v1/sys/replication/dr/secondary/generate-operation-token/attempt', 200, $NotStarted, 1)
            $null = $Stub.Respond('PUT', '/v1/sys/replication/dr/secondary/generate-operation-token/attempt', 200, $Started, 1)
            $null = $Stub.Respond('DELETE', '/v1/sys/replication/dr/secondary/generate-operation-token/attempt', 204, $null, 1)
        }
        if ($Chunked) {
            # No Content-Length: the size is only known by counting what is read.
            $null = $Stub.RespondChunked($Method, $Path, $Status, $body, 1)
        } else {
            $null = $Stub.Respond($Method, $Path, $Status, $body, 1)
        }
        $connection = New-StubConnection $Stub

        $Error.Clear()
        $output = try {
            switch ($Name) {
                'Get-VaultDrStatus' { Get-VaultDrStatus -Connection $connection -ErrorAction SilentlyContinue }
                'New-VaultDrSecondaryToken' { New-VaultDrSecondaryToken -Connection $connection -Id dr-1 -ErrorAction SilentlyContinue }
                'Get-VaultDrOperationTokenProgress' { Get-VaultDrOperationTokenProgress -Connection $connection -ErrorAction SilentlyContinue }
                'New-VaultDrOperationToken' { $Shares | New-VaultDrOperationToken -Connection $connection -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
                'New-VaultDrSecondaryPublicKey' { New-VaultDrSecondaryPublicKey -Connection $connection -ErrorAction SilentlyContinue }
            }
        } catch { }

        $output | Should -BeNullOrEmpty -Because 'a malformed answer yields no object'
        $errors = @($Error | Where-Object { $_ })
        $errors.Count | Should -Be 1 -Because "one ErrorRecord: $($errors | Out-String)"
        $failure = $errors[0]
        $failure | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $expectedId = if ($Id) { $Id } else { 'VaultDrInvalidResponse' }
        $failure.FullyQualifiedErrorId | Should -Be "$expectedId,VaultDr.Commands.$((Get-Command $Name).ImplementingType.Name)"
        $failure.CategoryInfo.Category | Should -Be $(if ($Category) { $Category } else { 'InvalidResult' })
        $failure.Exception.GetType().FullName | Should -BeLike 'VaultDr.*'
        $failure.Exception.Message | Should -Not -Match '(?m)^\s+at '
        if ($Message) { $failure.Exception.Message | Should -Match $Message }
        if ($Status -eq 502) { $failure.Exception.Message | Should -Match '502' }
        @($Stub.Requests | Where-Object { $_.Method -eq $Method -and $_.Path -eq $Path }).Count | Should -Be 1 -Because 'the malformed answer is not fetched again'
    }
}
