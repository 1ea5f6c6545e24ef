<#
.SYNOPSIS
    Shared by the VaultDr *.Tests.ps1 files: dot-source in BeforeAll. Imports the BUILT module, loads
    the stub server, and offers known secrets, canned Vault answers and small request helpers.
#>

. (Join-Path $PSScriptRoot 'TestServer.ps1')

$script:ModuleManifest = if ($env:VAULTDR_MODULE_MANIFEST) {
    $env:VAULTDR_MODULE_MANIFEST
} else {
    Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1'
}
Import-Module $script:ModuleManifest -Force

# Known secrets: the Secrets tests search every output stream for these exact strings.
$script:VaultTokenText = 'hvs.CAESIVaultTokenForPesterTests0123456789'
$script:DrOperationTokenText = 'hvs.DrOpTokenForPesterTests1'   # hvs. + 24 characters
$script:OtpText = 'Zx7Qp2Lm9Rt4Vw6Yb8Nc1Kd3Hf5J'                  # 28 base62 characters
$script:KeyShareTexts = @(
    'aa11bb22cc33dd44ee55ff6677889900aa11bb22cc33dd44ee55ff6677889900'
    'bb22cc33dd44ee55ff6677889900aa11bb22cc33dd44ee55ff6677889900aa11'
    'cc33dd44ee55ff6677889900aa11bb22cc33dd44ee55ff6677889900aa11bb22'
)
$script:Nonce = '2dbd10f1-8528-6246-09e7-82b25b8aba63'
$script:StatusPath = '/v1/sys/replication/dr/status'
$script:AttemptPath = '/v1/sys/replication/dr/secondary/generate-operation-token/attempt'
$script:UpdatePath = '/v1/sys/replication/dr/secondary/generate-operation-token/update'

function ConvertTo-TestSecret([string] $Text) {
    ConvertTo-SecureString -String $Text -AsPlainText -Force
}

function ConvertFrom-TestSecret([securestring] $Secret) {
    [System.Net.NetworkCredential]::new('', $Secret).Password
}

function New-StubConnection {
    <# A connection to the stub with the known Vault token and no retries. #>
    param(
        [Parameter(Mandatory)] $Stub,
        [string] $TokenText = $script:VaultTokenText,
        [string] $Namespace
    )
    $params = @{ Address = $Stub.BaseAddress.ToString(); Token = (ConvertTo-TestSecret $TokenText); MaxRetries = 0 }
    if ($Namespace) { $params.Namespace = $Namespace }
    New-VaultDrConnection @params
}

function ConvertTo-Base64Url([byte[]] $Bytes) {
    [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

function New-TestActivationJwt {
    <# A wrapped activation token shaped like Vault's (ES512 JWT); the signature is random bytes. #>
    param(
        [datetimeoffset] $ExpiresAt = [datetimeoffset]::UtcNow.AddMinutes(30),
        [string] $PrimaryAddress = 'https://vault-a.example.com:8200'
    )
    $header = ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes('{"alg":"ES512","typ":"JWT"}'))
    $claims = [ordered]@{
        addr = $PrimaryAddress
        exp  = $ExpiresAt.ToUnixTimeSeconds()
        iat  = $ExpiresAt.AddMinutes(-30).ToUnixTimeSeconds()
        jti  = '7b1c1d0e-2f4a-4b5c-9d6e-0f1a2b3c4d5e'
        type = 'wrapping'
    } | ConvertTo-Json -Compress
    $payload = ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes($claims))
    $signature = ConvertTo-Base64Url ([byte[]](1..132 | ForEach-Object { ($_ * 37) % 256 }))
    "$header.$payload.$signature"
}

function New-SecondaryTokenAnswer([string] $Jwt) {
    @{
        request_id     = ''
        lease_id       = ''
        lease_duration = 0
        renewable      = $false
        data           = $null
        warnings       = $null
        wrap_info      = @{
            token            = $Jwt
            accessor         = 'acc-1'
            ttl              = 1800
            creation_time    = '2026-01-10T14:41:00.56961496-04:00'
            creation_path    = 'sys/replication/dr/primary/secondary-token'
            wrapped_accessor = ''
        }
    } | ConvertTo-Json -Compress -Depth 5
}

function ConvertTo-EncodedToken([string] $Token, [string] $Otp) {
    <# Vault's modern encoding: base64 without padding of (token bytes XOR OTP ASCII bytes). #>
    $tokenBytes = [Text.Encoding]::ASCII.GetBytes($Token)
    $otpBytes = [Text.Encoding]::ASCII.GetBytes($Otp)
    if ($tokenBytes.Length -ne $otpBytes.Length) { throw 'token and OTP differ in length' }
    $xored = [byte[]]::new($tokenBytes.Length)
    for ($i = 0; $i -lt $xored.Length; $i++) { $xored[$i] = $tokenBytes[$i] -bxor $otpBytes[$i] }
    [Convert]::ToBase64String($xored).TrimEnd('=')
}

$script:EncodedTokenText = ConvertTo-EncodedToken $script:DrOperationTokenText $script:OtpText

$script:StatusPrimaryJson = @'
{"request_id":"5b0e","data":{"cluster_id":"d4095d41-3aee-8791-c421-9bc7f88f7c3e","known_secondaries":["3"],"last_wal":241,"merkle_root":"56794a98e52598f35974024fba6691f047e772e9","mode":"primary","state":"running","secondaries":[{"api_address":"https://127.0.0.1:49264","cluster_address":"https://127.0.0.1:49267","connection_status":"connected","last_heartbeat":"2020-06-10T15:40:47-07:00","node_id":"3","clock_skew_ms":"12"}],"future_field":"kept"},"warnings":null}
'@

$script:StatusSecondaryJson = @'
{"data":{"cluster_id":"d4095d41-3aee-8791-c421-9bc7f88f7c3e","known_primary_cluster_addrs":["https://127.0.0.1:8201"],"last_remote_wal":241,"merkle_root":"56794a98e52598f35974024fba6691f047e772e9","mode":"secondary","primaries":[{"api_address":"https://127.0.0.1:49244","cluster_address":"https://127.0.0.1:8201","connection_status":"connected","last_heartbeat":"2020-06-10T15:40:46-07:00"}],"primary_cluster_addr":"https://127.0.0.1:8201","secondary_id":"3","state":"stream-wals"}}
'@

$script:NoWarningsJson = '{"request_id":"r-1","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":null,"auth":null}'

function Assert-VaultRequest {
    <# The headers every call carries: X-Vault-Request and the connection's token, no namespace. #>
    param(
        [Parameter(Mandatory)] $Request,
        [Parameter(Mandatory)][string] $Method,
        [Parameter(Mandatory)][string] $Path,
        [string] $TokenText = $script:VaultTokenText
    )
    $Request.Method | Should -Be $Method
    $Request.Path | Should -BeExactly $Path
    $Request.Header('X-Vault-Request') | Should -Be 'true'
    $Request.Header('X-Vault-Token') | Should -BeExactly $TokenText
    $Request.Header('X-Vault-Namespace') | Should -BeNullOrEmpty
}

function Get-RequestBody($Request) {
    <# The JSON body as an ordered hashtable, so tests can compare the exact set of fields. #>
    $Request.Body | ConvertFrom-Json -AsHashtable
}
