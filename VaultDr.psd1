@{
    RootModule           = 'VaultDr.dll'
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '5b0c8f7e-3d0a-4a57-9a51-2f1e7c4d9b21'
    Author               = 'VaultDr contributors'
    CompanyName          = 'VaultDr'
    Copyright            = '(c) VaultDr contributors. Apache-2.0.'
    Description          = 'Runs HashiCorp Vault Enterprise Disaster Recovery replication safely, end to end: every /v1/sys/replication/dr endpoint as a typed, safe cmdlet.'
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('VaultDr.Replication.format.ps1xml', 'VaultDr.Tokens.format.ps1xml', 'VaultDr.Failover.format.ps1xml', 'VaultDr.Maintenance.format.ps1xml', 'VaultDr.Lab.format.ps1xml', 'VaultDr.Readiness.format.ps1xml')
    CmdletsToExport      = @(
        'New-VaultDrConnection'
        'Get-VaultDrStatus'
        'Enable-VaultDrPrimary'
        'Invoke-VaultDrDemote'
        'Disable-VaultDrPrimary'
        'New-VaultDrSecondaryToken'
        'Revoke-VaultDrSecondary'
        'New-VaultDrSecondaryPublicKey'
        'Enable-VaultDrSecondary'
        'Invoke-VaultDrPromote'
        'Disable-VaultDrSecondary'
        'Update-VaultDrPrimary'
        'Get-VaultDrOperationTokenProgress'
        'Start-VaultDrOperationToken'
        'Stop-VaultDrOperationToken'
        'Submit-VaultDrKeyShare'
        'Revoke-VaultDrOperationToken'
        'New-VaultDrOperationToken'
        'Unprotect-VaultDrOperationToken'
        'Get-VaultDrSealStatus'
        'Unprotect-VaultDrKeyShare'
        # Runbook-grade orchestration.
        'Get-VaultDrHealth'
        'Test-VaultDrReplication'
        'Wait-VaultDrReplication'
        'Test-VaultDrReadiness'
        'Invoke-VaultDrFailover'
        'New-VaultDrBatchOperationToken'
        # Maintenance and repair: combined status, reindex, Merkle check, recover, Raft peers and autopilot.
        'Get-VaultDrReplicationStatus'
        'Start-VaultDrReindex'
        'Invoke-VaultDrMerkleCheck'
        'Repair-VaultDrReplication'
        'Get-VaultDrRaftPeer'
        'Remove-VaultDrRaftPeer'
        'Get-VaultDrAutopilotState'
        'Get-VaultDrAutopilotConfiguration'
        'Set-VaultDrAutopilotConfiguration'
        # The lab: emulated clusters for demos and rehearsed runbooks.
        'Start-VaultDrLab'
        'Stop-VaultDrLab'
        'Get-VaultDrLab'
        'Start-VaultDrLabCluster'
        'Stop-VaultDrLabCluster'
        'Set-VaultDrLabCluster'
        'Set-VaultDrLabFault'
        'Set-VaultDrLabPartition'
        'Clear-VaultDrLabFault'
        'New-VaultDrLabStandby'
        'Stop-VaultDrLabStandby'
        'Start-VaultDrLabStandby'
        'Get-VaultDrLabLog'
        'Get-VaultDrLabRequest'
        'Clear-VaultDrLabRequest'
        'Set-VaultDrLabSecret'
        'Get-VaultDrLabSecret'
        'New-VaultDrLabPgpKey'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Vault', 'HashiCorp', 'DisasterRecovery', 'DR', 'Replication', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/vaultdr/VaultDr'
            ReleaseNotes = 'First release: every DR replication endpoint as a typed cmdlet.'
        }
    }
}
