<#
.SYNOPSIS
    Run by Secrets.Tests.ps1 in a fresh non-interactive pwsh: calls every VaultDr cmdlet with
    -Verbose -Debug against stubs (one that succeeds, one whose error and warning texts echo the
    secrets each request carried), twice: once with every stream captured (*>&1), once writing to the
    host under Start-Transcript. Writes what it saw to -ResultPath as JSON for the test to search.
#>
param(
    [Parameter(Mandatory)][string] $ResultPath,
    [Parameter(Mandatory)][string] $TranscriptPath
)
$ErrorActionPreference = 'Continue'
. (Join-Path $PSScriptRoot 'Common.ps1')

$jwt = New-TestActivationJwt
$secrets = @($VaultTokenText, $DrOperationTokenText, $OtpText, $EncodedTokenText, $jwt) + $KeyShareTexts
# PGP (GnuPG fixtures, tests/VaultDr.Tests/OpenPgp/GnuPg): the passphrases, right and wrong, and what the decryptions yield.
$gnupg = Join-Path $PSScriptRoot '../VaultDr.Tests/OpenPgp/GnuPg'
$pgpToken = (Get-Content -Raw (Join-Path $gnupg 'rsa.msg.b64')).Trim()
$pgpShare = (Get-Content -Raw (Join-Path $gnupg 'ecc.msg.b64')).Trim()
$secrets += 'correct horse', 'wrong horse', 'hvs.FixtureTokenFromGnuPG12', '0a1b2c3d'

function New-EchoJson([string[]] $Echoed, [string] $Field = 'errors') {
    @{ $Field = @("rejected: $($Echoed -join ' | ')") } | ConvertTo-Json -Compress
}

$good = Start-StubVault
$bad = Start-StubVault
$warn = Start-StubVault
# No try/finally: inside a try block a refused input would end the whole scenario instead of one statement.
$started = @{ started = $true; nonce = $Nonce; progress = 0; required = 1; otp = $OtpText; otp_length = 28; complete = $false } | ConvertTo-Json -Compress
$done = @{ started = $true; nonce = $Nonce; progress = 1; required = 1; complete = $true; encoded_token = $EncodedTokenText } | ConvertTo-Json -Compress
$null = $good.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
foreach ($path in 'primary/enable', 'primary/demote', 'primary/disable', 'primary/revoke-secondary', 'secondary/enable',
    'secondary/promote', 'secondary/disable', 'secondary/update-primary', 'secondary/operation-token/delete') {
    $null = $good.Respond('POST', "/v1/sys/replication/dr/$path", 204)
}
$null = $good.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, (New-SecondaryTokenAnswer $jwt))
$null = $good.Respond('POST', '/v1/sys/replication/dr/secondary/generate-public-key', 200, '{"data":{"secondary_public_key":"pk-1"}}')
$null = $good.Respond('GET', $AttemptPath, 200, '{"started":false,"nonce":"","progress":0,"required":1,"complete":false}')
$null = $good.Respond('PUT', $AttemptPath, 200, $started)
$null = $good.Respond('DELETE', $AttemptPath, 204)
$null = $good.Respond('PUT', $UpdatePath, 200, $done)
# The maintenance surface: on a DR secondary the DR operation token goes in bodies, and as X-Vault-Token on autopilot's reads.
foreach ($path in 'reindex', 'dr/secondary/reindex', 'recover', 'dr/secondary/recover') { $null = $good.Respond('POST', "/v1/sys/replication/$path", 204) }
$null = $good.Respond('POST', '/v1/sys/replication/dr/secondary/merkle-check', 200, '{"data":{"merkle_corruption_report":{"corrupted_root":true,"corrupted_tree_map":{}}}}')
$null = $good.Respond('GET', '/v1/sys/replication/status', 200, '{"data":{"dr":{"mode":"primary"},"performance":{"mode":"disabled"}}}')
$null = $good.Respond('PUT', '/v1/sys/storage/raft/configuration', 200, '{"data":{"config":{"servers":[{"node_id":"raft1","leader":true,"voter":true},{"node_id":"raft2","leader":false,"voter":true}]}}}')
$null = $good.Respond('PUT', '/v1/sys/storage/raft/remove-peer', 204)
$null = $good.Respond('GET', '/v1/sys/storage/raft/autopilot/state', 200, '{"data":{"healthy":true,"leader":"raft1","servers":{}}}')
$null = $good.Respond('GET', '/v1/sys/storage/raft/autopilot/configuration', 200, '{"data":{"min_quorum":3}}')
$null = $good.Respond('PUT', '/v1/sys/storage/raft/autopilot/configuration', 204)

# Each answer echoes the secrets its request carried: a server (or proxy) quoting its input.
foreach ($stub in $bad, $warn) {
    $field = if ($stub -eq $bad) { 'errors' } else { 'warnings' }
    $status = if ($stub -eq $bad) { 400 } else { 200 }
    $null = $stub.Respond('GET', $StatusPath, $status, (New-EchoJson @($VaultTokenText) $field))
    foreach ($path in 'primary/enable', 'primary/demote', 'primary/disable', 'primary/revoke-secondary', 'secondary/generate-public-key') {
        $null = $stub.Respond('POST', "/v1/sys/replication/dr/$path", $status, (New-EchoJson @($VaultTokenText) $field))
    }
    $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/enable', $status, (New-EchoJson @($VaultTokenText, $jwt) $field))
    $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/update-primary', $status, (New-EchoJson @($VaultTokenText, $DrOperationTokenText, $jwt) $field))
    foreach ($path in 'secondary/promote', 'secondary/disable', 'secondary/operation-token/delete') {
        $null = $stub.Respond('POST', "/v1/sys/replication/dr/$path", $status, (New-EchoJson @($VaultTokenText, $DrOperationTokenText) $field))
    }
    $null = $stub.Respond('PUT', $UpdatePath, $status, (New-EchoJson @($VaultTokenText, $KeyShareTexts[0]) $field))
    $null = $stub.Respond('GET', '/v1/sys/replication/status', $status, (New-EchoJson @($VaultTokenText) $field))
    foreach ($path in 'dr/secondary/reindex', 'dr/secondary/recover', 'dr/secondary/merkle-check') {
        $null = $stub.Respond('POST', "/v1/sys/replication/$path", $status, (New-EchoJson @($VaultTokenText, $DrOperationTokenText) $field))
    }
    $null = $stub.Respond('POST', '/v1/sys/replication/reindex', $status, (New-EchoJson @($VaultTokenText) $field))
    foreach ($path in 'configuration', 'remove-peer', 'autopilot/configuration') {
        $null = $stub.Respond('PUT', "/v1/sys/storage/raft/$path", $status, (New-EchoJson @($VaultTokenText, $DrOperationTokenText) $field))
    }
    # Autopilot's reads carry the DR operation token as X-Vault-Token, and nothing else.
    foreach ($path in 'state', 'configuration') {
        $null = $stub.Respond('GET', "/v1/sys/storage/raft/autopilot/$path", $status, (New-EchoJson @($DrOperationTokenText) $field))
    }
    $null = $stub.Respond('DELETE', $AttemptPath, $status, (New-EchoJson @($VaultTokenText) $field))
}
# Status 200 with warnings needs valid data to parse; the attempt calls succeed on $warn so the ceremony reaches the shares.
$null = $bad.Respond('GET', $AttemptPath, 400, (New-EchoJson @($VaultTokenText)))
$null = $bad.Respond('PUT', $AttemptPath, 400, (New-EchoJson @($VaultTokenText)))
$null = $warn.Respond('GET', $AttemptPath, 200, '{"started":false,"nonce":"","progress":0,"required":1,"complete":false}')
$null = $warn.Respond('PUT', $AttemptPath, 200, $started)

$scenario = {
    param($Stub)
    $c = New-StubConnection $Stub
    $op = ConvertTo-TestSecret $DrOperationTokenText
    $activation = ConvertTo-TestSecret $jwt
    $shares = [securestring[]]($KeyShareTexts | ForEach-Object { ConvertTo-TestSecret $_ })
    $common = @{ Verbose = $true; Debug = $true }
    $high = @{ Verbose = $true; Debug = $true; Confirm = $false }

    New-VaultDrConnection -Address $Stub.BaseAddress.ToString() -Token (ConvertTo-TestSecret $VaultTokenText) -MaxRetries 0 @common
    Get-VaultDrStatus -Connection $c @common
    Get-VaultDrStatus -Address $Stub.BaseAddress.ToString() -Token (ConvertTo-TestSecret $VaultTokenText) @common
    Enable-VaultDrPrimary -Connection $c -PassThru @common
    Invoke-VaultDrDemote -Connection $c @high
    Disable-VaultDrPrimary -Connection $c @high
    New-VaultDrSecondaryToken -Connection $c -Id 'dr-1' @common
    Revoke-VaultDrSecondary -Connection $c -Id 'dr-1' @high
    New-VaultDrSecondaryPublicKey -Connection $c @common
    Enable-VaultDrSecondary -Connection $c -ActivationToken $activation @high
    Invoke-VaultDrPromote -Connection $c -DrOperationToken $op -Force @high
    Disable-VaultDrSecondary -Connection $c -DrOperationToken $op @high
    Update-VaultDrPrimary -Connection $c -DrOperationToken $op -ActivationToken $activation @high
    Update-VaultDrPrimary -Connection $c -DrOperationToken $op -ClearPrimary @high
    Get-VaultDrOperationTokenProgress -Connection $c @common
    Start-VaultDrOperationToken -Connection $c @common
    Submit-VaultDrKeyShare -Connection $c -Key $shares[0] -Nonce $Nonce @common
    Stop-VaultDrOperationToken -Connection $c @common
    Revoke-VaultDrOperationToken -Connection $c -DrOperationToken $op @common
    # One share: the echoing stubs quote share 0, and a server only ever quotes what it was sent.
    New-VaultDrOperationToken -Connection $c -KeyShare $shares[0] @common
    Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret $OtpText) @common
    Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret ($OtpText.Substring(2))) @common
    Unprotect-VaultDrOperationToken -EncodedToken $pgpToken -PgpPrivateKeyPath (Join-Path $gnupg 'rsa.sec.asc') -PgpPassphrase (ConvertTo-TestSecret 'correct horse') @common
    Unprotect-VaultDrOperationToken -EncodedToken $pgpToken -PgpPrivateKeyPath (Join-Path $gnupg 'rsa.sec.asc') -PgpPassphrase (ConvertTo-TestSecret 'wrong horse') @common
    Unprotect-VaultDrKeyShare -EncryptedKeyShare $pgpShare -PgpPrivateKeyPath (Join-Path $gnupg 'ecc.sec.asc') @common
    # A decrypted token is no key share: refused, without quoting it.
    Unprotect-VaultDrKeyShare -EncryptedKeyShare $pgpToken -PgpPrivateKeyPath (Join-Path $gnupg 'rsa.sec.asc') -PgpPassphrase (ConvertTo-TestSecret 'correct horse') @common
    Get-VaultDrReplicationStatus -Connection $c @common
    Start-VaultDrReindex -Connection $c @high
    Start-VaultDrReindex -Connection $c -DrOperationToken $op -Diff @high
    Invoke-VaultDrMerkleCheck -Connection $c -DrOperationToken $op @common
    Repair-VaultDrReplication -Connection $c -DrOperationToken $op @common
    Get-VaultDrRaftPeer -Connection $c -DrOperationToken $op @common
    Remove-VaultDrRaftPeer -Connection $c -ServerId raft2 -DrOperationToken $op @high
    Get-VaultDrAutopilotState -Connection $c -DrOperationToken $op @common
    Get-VaultDrAutopilotConfiguration -Connection $c -DrOperationToken $op @common
    Set-VaultDrAutopilotConfiguration -Connection $c -DrOperationToken $op -MinQuorum 3 @common
    Update-VaultDrPrimary -Connection $c -DrOperationToken $op -PrimaryClusterAddress '10.0.0.2:8201' @high
    # Refused before sending: the messages must not quote the rejected secret either.
    Enable-VaultDrSecondary -Connection $c -ActivationToken (ConvertTo-TestSecret (New-TestActivationJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(-1)))) @high
    Submit-VaultDrKeyShare -Connection $c -Key (ConvertTo-TestSecret "$($KeyShareTexts[1])!") -Nonce $Nonce @common
}

$Error.Clear()
$records = [System.Collections.Generic.List[object]]::new()
foreach ($stub in $good, $bad, $warn) {
    # A refused input ends its own statement only; the scenario goes on.
    foreach ($record in (& $scenario $stub *>&1)) { $records.Add($record) }
}

Start-Transcript -Path $TranscriptPath -Force | Out-Null
foreach ($stub in $good, $bad, $warn) {
    & $scenario $stub | Out-Host
}
Stop-Transcript | Out-Null

function Get-Texts($Item) {
    "$Item"
    # A verbose or debug record's string form is its message; formatting thousands of them only costs time.
    if ($Item -isnot [System.Management.Automation.VerboseRecord] -and $Item -isnot [System.Management.Automation.DebugRecord]) {
        $Item | Out-String -Width 4096
    }
    if ($Item -is [System.Management.Automation.ErrorRecord]) {
        $Item.ToString()
        $Item.Exception.Message
        $Item.Exception.ToString()
        "$($Item.ErrorDetails)"
        "$($Item.TargetObject)"
        for ($e = $Item.Exception.InnerException; $e; $e = $e.InnerException) { $e.Message }
    } elseif ($Item -is [System.Management.Automation.WarningRecord] -or $Item -is [System.Management.Automation.VerboseRecord] -or
        $Item -is [System.Management.Automation.DebugRecord] -or $Item -is [System.Management.Automation.InformationRecord]) {
        "$($Item.Message)$($Item.MessageData)"
    }
}

[ordered]@{
    Secrets       = $secrets
    RecordKinds   = @($records | ForEach-Object { $_.GetType().Name })
    RecordTexts   = @($records | ForEach-Object { Get-Texts $_ })
    ErrorTexts    = @($Error | ForEach-Object { Get-Texts $_ })
    ErrorIds      = @($Error | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId } })
    RequestCounts = @($good.Requests.Count, $bad.Requests.Count, $warn.Requests.Count)
    BodiesSent    = @($good, $bad, $warn | ForEach-Object { $_.Requests } | ForEach-Object { $_.Body + ' ' + $_.Header('X-Vault-Token') })
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultPath -Encoding utf8NoBOM
$good.Dispose()
$bad.Dispose()
$warn.Dispose()
