# TLS as a user meets it, against lab clusters started with -Tls (each lab has its own CA): checks are
# on by default, a private CA is trusted through -CACertificateFile or VAULT_CACERT, a wrong CA fails
# before any request is sent, and -SkipCertificateCheck works but warns once per connection.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    $script:saved = @{}
    foreach ($name in 'VAULT_CACERT', 'VAULT_CAPATH', 'VAULT_SKIP_VERIFY', 'VAULT_TLS_SERVER_NAME', 'VAULT_MAX_RETRIES') {
        $script:saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }

    $script:cluster = Start-VaultDrLab -ClusterCount 1 -Tls
    $script:otherCluster = Start-VaultDrLab -ClusterCount 1 -Tls
    $script:statusId = 'VaultDrCertificateRejected,VaultDr.Commands.GetVaultDrStatusCommand'

    function Get-StatusRequestCount { @(Get-VaultDrLabRequest -Cluster $script:cluster | Where-Object Path -eq $StatusPath).Count }
}

AfterAll {
    Stop-VaultDrLab
    foreach ($name in $script:saved.Keys) { [Environment]::SetEnvironmentVariable($name, $script:saved[$name]) }
}

Describe 'TLS against a lab cluster' {
    BeforeEach {
        Clear-VaultDrLabRequest -Lab $cluster.Lab
        $env:VAULT_CACERT = $null
    }
    AfterEach { $env:VAULT_CACERT = $null }

    It 'the two labs have different CAs' {
        $cluster.Address.Scheme | Should -Be 'https'
        $ours = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $ours.ImportFromPemFile($cluster.CACertificateFile)
        $theirs = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $theirs.ImportFromPemFile($otherCluster.CACertificateFile)
        $ours.Count | Should -Be 1
        $theirs.Count | Should -Be 1
        $ours[0].Thumbprint | Should -Not -Be $theirs[0].Thumbprint
    }

    It 'checks certificates by default: without the lab CA, VaultDrCertificateRejected names -CACertificateFile and nothing reaches the cluster' {
        $connection = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken
        $connection.SkipCertificateCheck | Should -BeFalse
        $output = Get-VaultDrStatus -Connection $connection -ErrorVariable failure -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -Be $statusId
        $failure[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure[0].Exception.Message | Should -BeLike '*not trusted*-CACertificateFile*'
        $failure[0].Exception.RequestMayHaveBeenProcessed | Should -BeFalse
        $warnings | Should -BeNullOrEmpty
        Get-StatusRequestCount | Should -Be 0
    }

    It 'a certificate rejection is not retried, even with retries allowed' {
        $connection = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -MaxRetries 3
        $started = [DateTime]::UtcNow
        Get-VaultDrStatus -Connection $connection -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be $statusId
        ([DateTime]::UtcNow - $started).TotalSeconds | Should -BeLessThan 2
        Get-StatusRequestCount | Should -Be 0
    }

    It '-CACertificateFile with the lab CA trusts the cluster' {
        $connection = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -CACertificateFile $cluster.CACertificateFile
        (Get-VaultDrStatus -Connection $connection -WarningVariable warnings).Mode | Should -Be 'disabled'
        $warnings | Should -BeNullOrEmpty
        Get-StatusRequestCount | Should -Be 1
    }

    It 'VAULT_CACERT trusts the lab CA for -Address/-Token calls and for New-VaultDrConnection' {
        $env:VAULT_CACERT = $cluster.CACertificateFile
        (Get-VaultDrStatus -Address $cluster.Address -Token $cluster.RootToken).Mode | Should -Be 'disabled'
        $connection = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken
        $connection.CACertificateFile | Should -Be $cluster.CACertificateFile
        (Get-VaultDrStatus -Connection $connection).Mode | Should -Be 'disabled'
        Get-StatusRequestCount | Should -Be 2
    }

    It 'a wrong CA (another lab''s) fails clearly, before any request' {
        $connection = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -CACertificateFile $otherCluster.CACertificateFile
        Get-VaultDrStatus -Connection $connection -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -Be $statusId
        $failure[0].Exception.Message | Should -BeLike "*$($cluster.Address.Authority)*not trusted*"
        Get-StatusRequestCount | Should -Be 0
    }

    It 'a wrong CA in VAULT_CACERT fails the same way for -Address/-Token calls' {
        $env:VAULT_CACERT = $otherCluster.CACertificateFile
        Get-VaultDrStatus -Address $cluster.Address -Token $cluster.RootToken -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be $statusId
        Get-StatusRequestCount | Should -Be 0
    }

    It 'a CA file that is not PEM is refused before any request' {
        $notPem = Join-Path ([IO.Path]::GetTempPath()) ('vaultdr-not-pem-' + [guid]::NewGuid().ToString('n') + '.pem')
        Set-Content -Path $notPem -Value 'not a certificate'
        try {
            { New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -CACertificateFile $notPem } |
                Should -Throw -ErrorId 'VaultDrCACertificateInvalid,VaultDr.Commands.NewVaultDrConnectionCommand'
        } finally { Remove-Item -Force $notPem }
        Get-StatusRequestCount | Should -Be 0
    }

    It '-SkipCertificateCheck reaches the cluster and warns exactly once per connection' {
        $connection = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -SkipCertificateCheck -WarningVariable madeWarnings -WarningAction SilentlyContinue
        $connection.SkipCertificateCheck | Should -BeTrue
        $first = Get-VaultDrStatus -Connection $connection -WarningVariable firstWarnings -WarningAction SilentlyContinue
        $second = Get-VaultDrStatus -Connection $connection -WarningVariable secondWarnings -WarningAction SilentlyContinue
        $first.Mode | Should -Be 'disabled'
        $second.Mode | Should -Be 'disabled'
        Get-StatusRequestCount | Should -Be 2
        $all = @($madeWarnings) + @($firstWarnings) + @($secondWarnings)
        $all.Count | Should -Be 1
        "$($all[0])" | Should -BeLike "TLS certificate checks are OFF for $($connection.Name).*-CACertificateFile*"

        # A new connection is a new warning; a connection that skips no check never warns.
        $another = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -SkipCertificateCheck -WarningVariable anotherMade -WarningAction SilentlyContinue
        $null = Get-VaultDrStatus -Connection $another -WarningVariable anotherCall -WarningAction SilentlyContinue
        (@($anotherMade) + @($anotherCall)).Count | Should -Be 1
    }

    It 'two connections to one cluster keep their own TLS settings: the skipping one works, the wrong-CA one is refused' {
        $skipping = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -SkipCertificateCheck -WarningAction SilentlyContinue
        $checking = New-VaultDrConnection -Address $cluster.Address -Token $cluster.RootToken -CACertificateFile $otherCluster.CACertificateFile
        (Get-VaultDrStatus -Connection $skipping -WarningAction SilentlyContinue).Mode | Should -Be 'disabled'
        Get-VaultDrStatus -Connection $checking -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be $statusId
        Get-StatusRequestCount | Should -Be 1
    }
}
