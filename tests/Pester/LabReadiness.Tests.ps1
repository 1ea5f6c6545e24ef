# What a nightly DR readiness check looks at, rehearsed in the lab through its cmdlets: API certificates that expire
# when told (read from real TLS handshakes) while replication carries on, a cluster's clock off the machine's
# (clock_skew_ms on both sides), a partition's stale heartbeat, and the refusals of the parameters that set them.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    function Get-ServedCertificate([Parameter(Mandatory)][uri] $Address) {
        <# The certificate a TLS handshake with $Address presents, whatever its dates: only the certificate is read. #>
        $tcp = [System.Net.Sockets.TcpClient]::new($Address.Host, $Address.Port)
        try {
            $tls = [System.Net.Security.SslStream]::new($tcp.GetStream(), $false, { $true })
            $tls.AuthenticateAsClient($Address.Host)
            [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($tls.RemoteCertificate)
        } finally { $tcp.Dispose() }
    }

    function New-SkippingConnection([Parameter(Mandatory)] $Cluster, [Parameter(Mandatory)][securestring] $Token) {
        New-VaultDrConnection -Name $Cluster.Name -Address $Cluster.Address -Token $Token -SkipCertificateCheck -MaxRetries 0 -WarningAction SilentlyContinue
    }

    function Get-TerminatingError([scriptblock] $Call) {
        try { & $Call; $null } catch { $_ }
    }
}

AfterAll { Stop-VaultDrLab }

Describe 'Start-VaultDrLab -CertificateValidDays and Set-VaultDrLabCluster -CertificateValidDays' {
    BeforeAll { $script:tlsCluster = Start-VaultDrLab -ClusterCount 1 -Tls -CertificateValidDays 5 }

    It 'a lab with -CertificateValidDays 5 serves a certificate that expires five days from now, and says so' {
        $served = Get-ServedCertificate $tlsCluster.Address
        $expected = [datetimeoffset]::UtcNow.AddDays(5)
        ([datetimeoffset]$served.NotAfter.ToUniversalTime() - $expected).Duration() | Should -BeLessThan ([timespan]::FromMinutes(1))
        $served.NotBefore | Should -BeLessThan ([datetime]::Now)
        $served.Issuer | Should -Be 'CN=VaultDr Lab CA'
        ($tlsCluster.CertificateNotAfter - $expected).Duration() | Should -BeLessThan ([timespan]::FromMinutes(1))
        $tlsCluster.ClockSkew | Should -Be ([timespan]::Zero)
        (Get-VaultDrStatus -Connection $tlsCluster.Connection).Mode | Should -Be 'disabled'  # still valid: the lab CA trusts it
    }

    It 'Set-VaultDrLabCluster -CertificateValidDays serves a new certificate to new connections; -WhatIf changes nothing' {
        $before = Get-ServedCertificate $tlsCluster.Address
        Set-VaultDrLabCluster -Cluster $tlsCluster -CertificateValidDays 30 -WhatIf
        (Get-ServedCertificate $tlsCluster.Address).Thumbprint | Should -Be $before.Thumbprint

        Set-VaultDrLabCluster -Cluster $tlsCluster -CertificateValidDays -2
        $after = Get-ServedCertificate $tlsCluster.Address
        $after.Thumbprint | Should -Not -Be $before.Thumbprint
        ([datetimeoffset]$after.NotAfter.ToUniversalTime() - [datetimeoffset]::UtcNow.AddDays(-2)).Duration() | Should -BeLessThan ([timespan]::FromMinutes(1))
        ($tlsCluster.CertificateNotAfter - [datetimeoffset]$after.NotAfter.ToUniversalTime()).Duration() | Should -BeLessThan ([timespan]::FromSeconds(1))

        # Expired now: a new connection (a new handshake) refuses it as any client checking dates would.
        $fresh = New-VaultDrConnection -Address $tlsCluster.Address -Token $tlsCluster.RootToken -CACertificateFile $tlsCluster.CACertificateFile -MaxRetries 0
        Get-VaultDrStatus -Connection $fresh -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrCertificateRejected,VaultDr.Commands.GetVaultDrStatusCommand'

        # A renewal that did not go through this object (the lab's control API called directly) shows after Get-VaultDrLab.
        $null = Invoke-RestMethod -Method Post -Uri "$($tlsCluster.Lab.ControlAddress)lab/clusters/$($tlsCluster.Name)/certificate" -Body '{"validDays":90}' -ContentType 'application/json'
        ($tlsCluster.CertificateNotAfter - [datetimeoffset]::UtcNow.AddDays(-2)).Duration() | Should -BeLessThan ([timespan]::FromMinutes(1))
        $refreshed = (Get-VaultDrLab | Where-Object ProcessId -eq $tlsCluster.Lab.ProcessId).Clusters[0]
        ($refreshed.CertificateNotAfter - [datetimeoffset]::UtcNow.AddDays(90)).Duration() | Should -BeLessThan ([timespan]::FromMinutes(1))
    }

    It 'a lab with -CertificateValidDays -1 serves an expired certificate, and its secondary still streams WALs' {
        $a, $b = Start-VaultDrLab -ClusterCount 2 -Tls -CertificateValidDays -1 -StateStepDelayMs 30 -CatchUpDelayMs 60
        $served = Get-ServedCertificate $a.Address
        $served.NotAfter | Should -BeLessThan ([datetime]::Now)
        $served.NotBefore | Should -BeLessThan $served.NotAfter
        $a.CertificateNotAfter | Should -BeLessThan ([datetimeoffset]::UtcNow)

        $connA = New-SkippingConnection $a $a.RootToken
        Enable-VaultDrPrimary -Connection $connA -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $connA -Id $b.Name |
            Enable-VaultDrSecondary -Connection (New-SkippingConnection $b $b.RootToken) -Confirm:$false -WarningAction SilentlyContinue
        Set-VaultDrLabSecret -Connection $connA -Path app/after-expiry -Data @{ n = '1' }
        $connB = New-SkippingConnection $b $a.RootToken
        $lastWal = (Get-VaultDrStatus -Connection $connA).LastWal
        Wait-Until { $s = Get-VaultDrStatus -Connection $connB; $s.State -eq 'stream-wals' -and $s.LastRemoteWal -ge $lastWal } -Because 'the secondary streams despite the expired API certificates'
        (Get-VaultDrStatus -Connection $connB).Primaries[0].ConnectionStatus | Should -Be 'connected'
    }
}

Describe 'Set-VaultDrLabCluster -ClockSkew, and a partition''s stale heartbeat' {
    BeforeAll {
        $script:a, $script:b = Start-VaultDrLab -ClusterCount 2 -StateStepDelayMs 30 -CatchUpDelayMs 60
        Enable-VaultDrPrimary -Connection $a.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $a.Connection -Id $b.Name |
            Enable-VaultDrSecondary -Connection $b.Connection -Confirm:$false -WarningAction SilentlyContinue
        Wait-Until { (Get-VaultDrStatus -Connection $b.Connection).State -eq 'stream-wals' } -Because 'the pair streams'
    }
    AfterEach { Clear-VaultDrLabFault -Lab $a.Lab }

    It 'shows clock_skew_ms 0 without skew, then the peer''s clock minus ours on both sides, and 0 again after a reset' {
        (Get-VaultDrStatus -Connection $a.Connection).Secondaries[0].ClockSkewMs | Should -Be 0
        (Get-VaultDrStatus -Connection $b.Connection).Primaries[0].ClockSkewMs | Should -Be 0

        Set-VaultDrLabCluster -Cluster $b -ClockSkew (New-TimeSpan -Minutes 5)
        $b.ClockSkew | Should -Be (New-TimeSpan -Minutes 5)
        Wait-Until { (Get-VaultDrStatus -Connection $a.Connection).Secondaries[0].ClockSkewMs -eq 300000 } -Because 'the primary sees its secondary 5 min ahead'
        Wait-Until { (Get-VaultDrStatus -Connection $b.Connection).Primaries[0].ClockSkewMs -eq -300000 } -Because 'the secondary sees its primary 5 min behind'
        $serverTime = [datetimeoffset]::FromUnixTimeSeconds((Invoke-RestMethod -Uri "$($b.Address.AbsoluteUri.TrimEnd('/'))/v1/sys/health" -SkipHttpErrorCheck).server_time_utc)
        ($serverTime - [datetimeoffset]::UtcNow.AddMinutes(5)).Duration() | Should -BeLessThan ([timespan]::FromSeconds(5))
        (Get-VaultDrLab | Where-Object ProcessId -eq $b.Lab.ProcessId).Clusters[1].ClockSkew | Should -Be (New-TimeSpan -Minutes 5)

        Set-VaultDrLabCluster -Cluster $b -ClockSkew 0
        Wait-Until { (Get-VaultDrStatus -Connection $a.Connection).Secondaries[0].ClockSkewMs -eq 0 } -Because 'the clock is back'
        $b.ClockSkew | Should -Be ([timespan]::Zero)
    }

    It 'a partition turns the primary disconnected and freezes its last heartbeat; healing brings both back' {
        Set-VaultDrLabPartition -Cluster $a -Peer $b
        Wait-Until { (Get-VaultDrStatus -Connection $b.Connection).Primaries[0].ConnectionStatus -eq 'disconnected' } -Because 'the heartbeat goes stale'
        $frozen = (Get-VaultDrStatus -Connection $b.Connection).Primaries[0].LastHeartbeat
        Start-Sleep -Milliseconds 1200
        (Get-VaultDrStatus -Connection $b.Connection).Primaries[0].LastHeartbeat | Should -Be $frozen

        Clear-VaultDrLabFault -Lab $a.Lab
        Wait-Until { (Get-VaultDrStatus -Connection $b.Connection).Primaries[0].ConnectionStatus -eq 'connected' } -Because 'the partition healed'
        (Get-VaultDrStatus -Connection $b.Connection).Primaries[0].LastHeartbeat | Should -BeGreaterThan $frozen
    }
}

Describe 'the refusals of -CertificateValidDays and -ClockSkew' {
    It 'Start-VaultDrLab -CertificateValidDays without -Tls is refused before any lab starts' {
        $labs = @(Get-VaultDrLab).Count
        $thrown = Get-TerminatingError { Start-VaultDrLab -ClusterCount 1 -CertificateValidDays 5 }
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrLabCertificateWithoutTls,VaultDr.Commands.StartVaultDrLabCommand'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown.Exception.Message | Should -BeLike '*Add -Tls, or leave -CertificateValidDays out.'
        @(Get-VaultDrLab).Count | Should -Be $labs
        { Start-VaultDrLab -ClusterCount 1 -Tls -CertificateValidDays 3651 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VaultDr.Commands.StartVaultDrLabCommand'
    }

    It 'Set-VaultDrLabCluster -CertificateValidDays on a lab without TLS, and a -ClockSkew beyond a year, are refused before any change' {
        $plain = Start-VaultDrLab -ClusterCount 1
        Clear-VaultDrLabRequest -Lab $plain.Lab
        $thrown = Get-TerminatingError { Set-VaultDrLabCluster -Cluster $plain -CertificateValidDays 5 -ClockSkew '00:01:00' }
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrLabWithoutTls,VaultDr.Commands.SetVaultDrLabClusterCommand'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $thrown.Exception.Message | Should -BeLike '*Start a lab with Start-VaultDrLab -Tls*'
        (Get-VaultDrLab | Where-Object ProcessId -eq $plain.Lab.ProcessId).Clusters[0].ClockSkew | Should -Be ([timespan]::Zero)

        $thrown = Get-TerminatingError { Set-VaultDrLabCluster -Cluster $plain -ClockSkew (New-TimeSpan -Days -366) }
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidClockSkew,VaultDr.Commands.SetVaultDrLabClusterCommand'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        { Set-VaultDrLabCluster -Cluster $plain -CertificateValidDays -3651 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VaultDr.Commands.SetVaultDrLabClusterCommand'
        $plain.CertificateNotAfter | Should -BeNullOrEmpty
    }
}
