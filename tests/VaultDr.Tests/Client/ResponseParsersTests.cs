using System.Text;
using System.Text.Json;
using VaultDr.Client;
using Xunit;

namespace VaultDr.Tests.Client;

public sealed class ResponseParsersTests
{
    private static readonly Uri Cluster = new("https://vault-a.example.com:8200/");

    // The API page's samples, verbatim.
    private const string PrimaryStatus = """
        {
          "data": {
            "cluster_id": "d4095d41-3aee-8791-c421-9bc7f88f7c3e",
            "known_secondaries": [
              "3"
            ],
            "last_wal": 241,
            "merkle_root": "56794a98e52598f35974024fba6691f047e772e9",
            "mode": "primary",
            "secondaries": [
              {
                "api_address": "https://127.0.0.1:49264",
                "cluster_address": "https://127.0.0.1:49267",
                "connection_status": "connected",
                "last_heartbeat": "2020-06-10T15:40:47-07:00",
                "node_id": "3"
              }
            ]
          }
        }
        """;

    private const string SecondaryStatus = """
        {
          "data": {
            "cluster_id": "d4095d41-3aee-8791-c421-9bc7f88f7c3e",
            "known_primary_cluster_addrs": [
              "https://127.0.0.1:8201"
            ],
            "last_remote_wal": 241,
            "merkle_root": "56794a98e52598f35974024fba6691f047e772e9",
            "mode": "secondary",
            "primaries": [
              {
                "api_address": "https://127.0.0.1:49244",
                "cluster_address": "https://127.0.0.1:8201",
                "connection_status": "connected",
                "last_heartbeat": "2020-06-10T15:40:46-07:00"
              }
            ],
            "primary_cluster_addr": "https://127.0.0.1:8201",
            "secondary_id": "3",
            "state": "stream-wals"
          }
        }
        """;

    private static VaultResponse Answer(string json, int status = 200)
    {
        using var document = JsonDocument.Parse(json);
        return new VaultResponse(status, document.RootElement.Clone(), Cluster);
    }

    [Fact]
    public void PrimaryStatusSample()
    {
        var status = ResponseParsers.Status(Answer(PrimaryStatus));

        Assert.Equal(Cluster, status.Address);
        Assert.Equal("d4095d41-3aee-8791-c421-9bc7f88f7c3e", status.ClusterId);
        Assert.Equal(DrMode.primary, status.Mode);
        Assert.True(status.IsPrimary);
        Assert.False(status.IsSecondary);
        Assert.Null(status.State);
        Assert.Equal(241, status.LastWal);
        Assert.Null(status.LastRemoteWal);
        Assert.Equal("56794a98e52598f35974024fba6691f047e772e9", status.MerkleRoot);
        Assert.Equal(["3"], status.KnownSecondaries);
        Assert.Empty(status.KnownPrimaryClusterAddrs);
        Assert.Empty(status.Primaries);
        var secondary = Assert.Single(status.Secondaries);
        Assert.Equal("3", secondary.NodeId);
        Assert.Equal("https://127.0.0.1:49264", secondary.ApiAddress);
        Assert.Equal("https://127.0.0.1:49267", secondary.ClusterAddress);
        Assert.Equal("connected", secondary.ConnectionStatus);
        Assert.True(secondary.IsConnected);
        Assert.Equal(new DateTimeOffset(2020, 6, 10, 15, 40, 47, TimeSpan.FromHours(-7)), secondary.LastHeartbeat);
        Assert.Equal(TimeSpan.FromHours(-7), secondary.LastHeartbeat!.Value.Offset);
        Assert.Null(secondary.ClockSkewMs);
        Assert.Equal("3", secondary.Raw["node_id"]);
        Assert.Equal(241L, status.Raw["last_wal"]);
    }

    [Fact]
    public void SecondaryStatusSample()
    {
        var status = ResponseParsers.Status(Answer(SecondaryStatus));

        Assert.Equal(DrMode.secondary, status.Mode);
        Assert.True(status.IsSecondary);
        Assert.Equal("stream-wals", status.State);
        Assert.Equal(241, status.LastRemoteWal);
        Assert.Null(status.LastWal);
        Assert.Equal("https://127.0.0.1:8201", status.PrimaryClusterAddr);
        Assert.Equal("3", status.SecondaryId);
        Assert.Equal(["https://127.0.0.1:8201"], status.KnownPrimaryClusterAddrs);
        Assert.Empty(status.Secondaries);
        var primary = Assert.Single(status.Primaries);
        Assert.Null(primary.NodeId);
        Assert.Equal("https://127.0.0.1:49244", primary.ApiAddress);
        Assert.Equal("https://127.0.0.1:8201", primary.ClusterAddress);
        Assert.Equal(new DateTimeOffset(2020, 6, 10, 15, 40, 46, TimeSpan.FromHours(-7)), primary.LastHeartbeat);
    }

    [Fact]
    public void GosZeroTimeIsNeverNotTheYearOne()
    {
        var status = ResponseParsers.Status(Answer("""
            {"data":{"mode":"primary","state":"running","secondaries":[
              {"node_id":"never","connection_status":"disconnected","last_heartbeat":"0001-01-01T00:00:00Z","last_start":"0001-01-01T00:00:00Z"},
              {"node_id":"seen","connection_status":"connected","last_heartbeat":"2024-01-02T03:04:05Z"}]}}
            """));

        Assert.Null(status.Secondaries[0].LastHeartbeat);
        Assert.Null(status.Secondaries[0].LastStart);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), status.Secondaries[1].LastHeartbeat);
    }

    [Fact]
    public void NewerFieldsNumbersAsStringsAndUnknownFields()
    {
        var status = ResponseParsers.Status(Answer("""
            {"data":{"mode":"primary","state":"running","last_wal":"18446744073709551615","last_dr_wal":7,"last_performance_wal":"8",
             "last_reindex_epoch":"1700000000","ssct_generation_counter":2,"corrupted_merkle_tree":false,
             "last_corruption_check_epoch":"-62135596800","future_field":{"nested":[1,"two"]},
             "secondaries":[{"node_id":"dr-1","connection_status":"disconnected","connection_state":"idle",
               "last_start":"2024-01-02T03:04:05Z","clock_skew_ms":"12","last_heartbeat_duration_ms":"250",
               "replication_primary_canary_age_ms":"1100","peer_extra":"kept"}]}}
            """));

        Assert.Equal("running", status.State);
        Assert.Equal(long.MaxValue, status.LastWal);
        Assert.Equal(7, status.LastDrWal);
        Assert.Equal(8, status.LastPerformanceWal);
        Assert.Equal("1700000000", status.LastReindexEpoch);
        Assert.Equal(2, status.SsctGenerationCounter);
        Assert.False(status.CorruptedMerkleTree);
        Assert.Equal("-62135596800", status.LastCorruptionCheckEpoch);
        var future = Assert.IsType<Dictionary<string, object?>>(status.Raw["future_field"]);
        Assert.Equal(new object?[] { 1L, "two" }, Assert.IsType<object?[]>(future["nested"]));
        var peer = Assert.Single(status.Secondaries);
        Assert.False(peer.IsConnected);
        Assert.Equal("idle", peer.ConnectionState);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), peer.LastStart);
        Assert.Equal(12, peer.ClockSkewMs);
        Assert.Equal(250, peer.LastHeartbeatDurationMs);
        Assert.Equal(1100, peer.ReplicationPrimaryCanaryAgeMs);
        Assert.Equal("kept", peer.Raw["PEER_EXTRA"]);
    }

    [Fact]
    public void DisabledStatus()
    {
        var status = ResponseParsers.Status(Answer("""{"data":{"mode":"disabled"}}"""));

        Assert.Equal(DrMode.disabled, status.Mode);
        Assert.False(status.IsPrimary);
        Assert.False(status.IsSecondary);
        Assert.Null(status.ClusterId);
        Assert.Null(status.LastWal);
        Assert.Empty(status.KnownSecondaries);
        Assert.Empty(status.Secondaries);
        Assert.Equal(["mode"], status.Raw.Keys);
    }

    [Fact]
    public void MissingModeReadsAsUnknown() =>
        Assert.Equal(DrMode.unknown, ResponseParsers.Status(Answer("""{"data":{}}""")).Mode);

    [Theory]
    [InlineData("""{"mode":"primary"}""")]
    [InlineData("""{"data":null}""")]
    [InlineData("""{"data":"primary"}""")]
    public void MissingDataIsAnInvalidResponse(string json)
    {
        var error = Assert.Throws<VaultResponseException>(() => ResponseParsers.Status(Answer(json)));

        Assert.Equal("VaultDrInvalidResponse", error.ErrorId);
        Assert.Contains("'data'", error.Message);
    }

    [Fact]
    public void EmptyBodyIsAnInvalidResponse() =>
        Assert.Throws<VaultResponseException>(() => ResponseParsers.Status(new VaultResponse(204, null, Cluster)));

    [Theory]
    [InlineData("""{"data":{"last_wal":"abc"}}""", "last_wal")]
    [InlineData("""{"data":{"last_wal":true}}""", "last_wal")]
    [InlineData("""{"data":{"secondaries":{}}}""", "secondaries")]
    [InlineData("""{"data":{"secondaries":["3"]}}""", "secondaries")]
    [InlineData("""{"data":{"known_secondaries":"3"}}""", "known_secondaries")]
    [InlineData("""{"data":{"mode":{"a":1}}}""", "mode")]
    [InlineData("""{"data":{"corrupted_merkle_tree":"maybe"}}""", "corrupted_merkle_tree")]
    [InlineData("""{"data":{"primaries":[{"last_heartbeat":"yesterday"}]}}""", "last_heartbeat")]
    [InlineData("""{"data":{"primaries":[{"clock_skew_ms":"a lot"}]}}""", "clock_skew_ms")]
    public void WrongTypeNamesTheField(string json, string field)
    {
        var error = Assert.Throws<VaultResponseException>(() => ResponseParsers.Status(Answer(json)));

        Assert.Equal("VaultDrInvalidResponse", error.ErrorId);
        Assert.Contains($"'{field}'", error.Message);
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Jwt(string claims) =>
        Base64Url("""{"alg":"ES512","typ":"JWT"}""") + "." + Base64Url(claims) + ".AWxvbmctc2lnbmF0dXJl";

    [Fact]
    public void WrappedActivationTokenReadsItsClaims()
    {
        var jwt = Jwt("""{"addr":"https://vault-a.example.com:8200","exp":1893456000,"iat":1893454200,"jti":"6f0c3e6a-1111-2222-3333-444455556666","type":"wrapping"}""");
        var response = Answer($$$"""
            {"request_id":"","lease_id":"","lease_duration":0,"renewable":false,"data":null,"warnings":null,
             "wrap_info":{"token":"{{{jwt}}}","accessor":"acc","ttl":1800,"creation_time":"2029-12-31T17:30:00-05:00",
               "creation_path":"sys/replication/dr/primary/secondary-token","wrapped_accessor":"wacc"}}
            """);

        var token = ResponseParsers.ActivationToken(response, "dr-b");

        Assert.Equal("dr-b", token.Id);
        Assert.Equal(jwt, SecretText.Reveal(token.ActivationToken));
        Assert.False(token.IsEncrypted);
        Assert.Equal(TimeSpan.FromSeconds(1800), token.Ttl);
        Assert.Equal("https://vault-a.example.com:8200", token.PrimaryApiAddress);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1893456000), token.ExpiresAt);
        Assert.Equal(new DateTimeOffset(2029, 12, 31, 17, 30, 0, TimeSpan.FromHours(-5)), token.CreationTime);
        Assert.Equal("wacc", token.WrappedAccessor);
        Assert.Equal(Cluster, token.Address);
    }

    [Fact]
    public void WrappedTokenThatIsNotAJwtExpiresAtCreationPlusTtl()
    {
        // The API page's sample: an old-style UUID wrapping token.
        var response = Answer("""
            {"data":null,"warnings":null,"wrap_info":{"token":"fb79b9d3-d94e-9eb6-4919-c559311133d6","ttl":300,
             "creation_time":"2016-09-28T14:41:00.56961496-04:00","wrapped_accessor":""}}
            """);

        var token = ResponseParsers.ActivationToken(response, "old");

        Assert.Equal("fb79b9d3-d94e-9eb6-4919-c559311133d6", SecretText.Reveal(token.ActivationToken));
        Assert.Equal(TimeSpan.FromSeconds(300), token.Ttl);
        Assert.Null(token.PrimaryApiAddress);
        Assert.Equal(token.CreationTime!.Value.AddSeconds(300), token.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(-4), token.CreationTime.Value.Offset);
    }

    [Fact]
    public void EncryptedActivationTokenFromData()
    {
        var token = ResponseParsers.ActivationToken(Answer("""{"data":{"token":"encrypted-blob=="},"wrap_info":null}"""), "dr-c");

        Assert.True(token.IsEncrypted);
        Assert.Equal("encrypted-blob==", SecretText.Reveal(token.ActivationToken));
        Assert.Equal("dr-c", token.Id);
        Assert.Null(token.ExpiresAt);
        Assert.Equal(TimeSpan.Zero, token.Ttl);
    }

    [Theory]
    [InlineData("""{"data":null,"wrap_info":null}""")]
    [InlineData("""{"wrap_info":{"token":""}}""")]
    [InlineData("""{"data":{"token":""}}""")]
    public void ActivationAnswerWithoutATokenIsAnInvalidResponse(string json) =>
        Assert.Equal("VaultDrInvalidResponse", Assert.Throws<VaultResponseException>(() => ResponseParsers.ActivationToken(Answer(json), "x")).ErrorId);

    [Fact]
    public void ActivationAnswerWithoutABodyIsAnInvalidResponse() =>
        Assert.Throws<VaultResponseException>(() => ResponseParsers.ActivationToken(new VaultResponse(204, null, Cluster), "x"));

    [Fact]
    public void OperationTokenStartSampleCarriesTheOtpOnce()
    {
        var progress = ResponseParsers.Progress(Answer("""
            {
              "started": true,
              "nonce": "2dbd10f1-8528-6246-09e7-82b25b8aba63",
              "progress": 1,
              "required": 3,
              "encoded_token": "",
              "otp": "2vPFYG8gUSW9npwzyvxXMug0",
              "otp_length": 24,
              "complete": false
            }
            """));

        Assert.True(progress.Started);
        Assert.Equal("2dbd10f1-8528-6246-09e7-82b25b8aba63", progress.Nonce);
        Assert.Equal(1, progress.Progress);
        Assert.Equal(3, progress.Required);
        Assert.False(progress.Complete);
        Assert.Null(progress.EncodedToken);
        Assert.Null(progress.PgpFingerprint);
        Assert.Equal("2vPFYG8gUSW9npwzyvxXMug0", SecretText.Reveal(progress.Otp!));
        Assert.Equal(24, progress.OtpLength);
        Assert.Equal(Cluster, progress.Address);
    }

    [Fact]
    public void OperationTokenReadSampleHasNoOtp()
    {
        var progress = ResponseParsers.Progress(Answer("""
            {"started":true,"nonce":"2dbd10f1-8528-6246-09e7-82b25b8aba63","progress":1,"required":3,
             "encoded_token":"","pgp_fingerprint":"","complete":false}
            """));

        Assert.Null(progress.Otp);
        Assert.Null(progress.OtpLength);
        Assert.Null(progress.PgpFingerprint);
    }

    [Fact]
    public void OperationTokenUpdateSampleCompletes()
    {
        var progress = ResponseParsers.Progress(Answer("""
            {"started":true,"nonce":"2dbd10f1-8528-6246-09e7-82b25b8aba63","progress":3,"required":3,
             "pgp_fingerprint":"","complete":true,"encoded_token":"FPzkNBvwNDeFh4SmGA8c+w=="}
            """));

        Assert.True(progress.Complete);
        Assert.Equal(3, progress.Progress);
        Assert.Equal("FPzkNBvwNDeFh4SmGA8c+w==", SecretText.Reveal(progress.EncodedToken!));
    }

    [Fact]
    public void OperationTokenProgressUnderDataAndLegacyEncodedRootToken()
    {
        var progress = ResponseParsers.Progress(Answer("""
            {"data":{"started":true,"nonce":"n","progress":"2","required":"2","complete":true,
             "encoded_token":"","encoded_root_token":"bGVnYWN5","pgp_fingerprint":"ab12cd","otp_length":0}}
            """));

        Assert.Equal("n", progress.Nonce);
        Assert.Equal(2, progress.Progress);
        Assert.Equal("bGVnYWN5", SecretText.Reveal(progress.EncodedToken!));
        Assert.Equal("ab12cd", progress.PgpFingerprint);
        Assert.Equal(0, progress.OtpLength);
    }

    [Fact]
    public void PublicKey()
    {
        var key = ResponseParsers.PublicKey(Answer("""{"data":{"secondary_public_key":"BASE64KEY"}}"""));

        Assert.Equal("BASE64KEY", key.PublicKey);
        Assert.Equal(Cluster, key.Address);
        Assert.Throws<VaultResponseException>(() => ResponseParsers.PublicKey(Answer("""{"data":{}}""")));
    }

    [Theory]
    [InlineData(200, "active")]
    [InlineData(429, "standby")]
    [InlineData(472, "dr-secondary")]
    [InlineData(473, "performance-standby")]
    [InlineData(474, "unhealthy")]
    [InlineData(501, "uninitialized")]
    [InlineData(503, "sealed")]
    [InlineData(530, "removed")]
    [InlineData(418, "unknown")]
    public void HealthRoleComesFromTheStatusCode(int status, string role) => Assert.Equal(role, ResponseParsers.HealthRole(status));

    [Fact]
    public void HealthOfADrSecondary()
    {
        var health = ResponseParsers.Health(Answer(
            """{"initialized":true,"sealed":false,"standby":false,"replication_dr_mode":"secondary","version":"1.15.2+ent","cluster_id":"c1","server_time_utc":1764400000}""",
            472));

        Assert.Equal("dr-secondary", health.Role);
        Assert.Equal(472, health.StatusCode);
        Assert.Equal("secondary", health.ReplicationDrMode);
        Assert.Equal("1.15.2+ent", health.Version);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764400000), health.ServerTime);
        Assert.Equal(Cluster, health.Address);
        Assert.False(health.Sealed);
    }

    [Theory]
    [InlineData("primary", DrMode.primary)]
    [InlineData("PRIMARY", DrMode.primary)]
    [InlineData("bootstrapping", DrMode.bootstrapping)]
    [InlineData("performance-primary", DrMode.unknown)]
    [InlineData("1", DrMode.unknown)]
    public void ModeIsAnEnumOfVaultsWords_AndANewModeIsUnknownWithItsTextInRaw(string text, DrMode mode)
    {
        var status = ResponseParsers.Status(Answer($$$"""{"data":{"mode":"{{{text}}}"}}"""));

        Assert.Equal(mode, status.Mode);
        Assert.Equal(text, status.Raw["mode"]);
    }
}
