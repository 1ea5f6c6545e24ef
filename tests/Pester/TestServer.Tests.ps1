BeforeAll {
    . (Join-Path $PSScriptRoot 'TestServer.ps1')
}

Describe 'StubVaultServer in pwsh' {
    BeforeEach {
        $server = Start-StubVault
    }

    AfterEach {
        $server.Dispose()
    }

    It 'records the JSON body of a POST sent by Invoke-RestMethod and answers with the scripted JSON' {
        $null = $server.Respond('POST', '/v1/sys/replication/dr/primary/enable', 200, '{"request_id":"r-1"}')

        $answer = Invoke-RestMethod -Method Post -Uri ([Uri]::new($server.BaseAddress, '/v1/sys/replication/dr/primary/enable')) `
            -ContentType 'application/json' -Body '{"primary_cluster_addr":"https://vault-a:8201"}'

        $answer.request_id | Should -Be 'r-1'
        $server.Requests.Count | Should -Be 1
        $server.Requests[0].Method | Should -Be 'POST'
        $server.Requests[0].Path | Should -Be '/v1/sys/replication/dr/primary/enable'
        $server.Requests[0].JsonString('primary_cluster_addr') | Should -Be 'https://vault-a:8201'
    }

    It 'takes scripted headers from a hashtable and falls back to 404 once the rule is used up' {
        $null = $server.Respond('GET', '/v1/sys/health', 429, '{"errors":["slow down"]}', 1, @{ 'Retry-After' = 2 })
        $uri = [Uri]::new($server.BaseAddress, '/v1/sys/health')

        $throttled = Invoke-WebRequest -Uri $uri -SkipHttpErrorCheck
        $missing = Invoke-WebRequest -Uri $uri -SkipHttpErrorCheck

        $throttled.StatusCode | Should -Be 429
        $throttled.Headers['Retry-After'] | Should -Be '2'
        $missing.StatusCode | Should -Be 404
        $missing.Content | Should -Be '{"errors":["no stub rule for GET /v1/sys/health"]}'
    }
}
