using System.Text;
using VaultDr.Tokens;
using Xunit;

namespace VaultDr.Tests.Tokens;

public class ActivationTokenReaderTests
{
    private const string Header = """{"alg":"ES512","typ":"JWT"}""";
    private const string Claims =
        """{"addr":"https://10.0.0.1:8200","exp":1700000000,"iat":1699998200,"jti":"5f0c8a4e-3b1d-4c2e-9a7f-6d8e1b2c3a4f","type":"wrapping"}""";

    // An ES512 signature is 132 bytes; its value does not matter to a reader that does not verify.
    private static readonly string Signature = Base64Url(Enumerable.Range(0, 132).Select(i => (byte)(i * 7)).ToArray());

    private static readonly string VaultShapedJwt = Jwt(Header, Claims);

    [Fact]
    public void Read_VaultShapedToken_ReturnsEveryClaim()
    {
        var claims = ActivationTokenReader.Read(VaultShapedJwt);

        Assert.Equal(
            new ActivationTokenClaims(
                Address: "https://10.0.0.1:8200",
                ExpiresAt: new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero),
                IssuedAt: new DateTimeOffset(2023, 11, 14, 21, 43, 20, TimeSpan.Zero),
                Id: "5f0c8a4e-3b1d-4c2e-9a7f-6d8e1b2c3a4f",
                Type: "wrapping"),
            claims);
    }

    [Fact]
    public void Read_ExpiryIsThirtyMinutesAfterIssue_LikeTheDefaultWrapTtl()
    {
        var claims = ActivationTokenReader.Read(VaultShapedJwt);

        Assert.Equal(TimeSpan.FromSeconds(1800), claims.ExpiresAt - claims.IssuedAt);
        Assert.Equal(TimeSpan.Zero, claims.ExpiresAt!.Value.Offset);
    }

    [Fact]
    public void Read_PayloadWithUrlAlphabetCharacters_IsDecodedAsBase64Url()
    {
        var jwt = Jwt(Header, """{"addr":"https://vault.example:8200/???>>>","type":"wrapping"}""");
        var payload = jwt.Split('.')[1];
        Assert.True(payload.Contains('-') || payload.Contains('_'), "the vector must exercise the url alphabet");

        Assert.Equal("https://vault.example:8200/???>>>", ActivationTokenReader.Read(jwt).Address);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Read_PaddedParts_AreAccepted(int leadingSpaces)
    {
        // Leading JSON whitespace changes the payload's length so that padding is needed.
        var jwt = Jwt(Header, new string(' ', leadingSpaces) + Claims);
        var parts = jwt.Split('.').Select(PadBase64).ToArray();
        Assert.EndsWith("=", parts[1], StringComparison.Ordinal);

        Assert.Equal("https://10.0.0.1:8200", ActivationTokenReader.Read(string.Join('.', parts)).Address);
    }

    [Fact]
    public void Read_SurroundingWhitespace_IsIgnored()
    {
        Assert.Equal("wrapping", ActivationTokenReader.Read(" \t" + VaultShapedJwt + "\r\n").Type);
    }

    [Fact]
    public void Read_EmptySignature_IsAccepted()
    {
        var parts = VaultShapedJwt.Split('.');

        Assert.Equal("wrapping", ActivationTokenReader.Read($"{parts[0]}.{parts[1]}.").Type);
    }

    [Theory]
    [InlineData("""{"exp":1700000000.5}""", 1_700_000_000_500L)]
    [InlineData("""{"exp":1700000000.25}""", 1_700_000_000_250L)]
    [InlineData("""{"exp":1.7e9}""", 1_700_000_000_000L)]
    [InlineData("""{"exp":1700000000.0}""", 1_700_000_000_000L)]
    [InlineData("""{"exp":0}""", 0L)]
    [InlineData("""{"exp":-1}""", -1_000L)]
    [InlineData("""{"exp":253402300799}""", 253_402_300_799_000L)]
    public void Read_NumericDate_AcceptsIntegerOrFractionalSeconds(string claims, long expectedUnixMilliseconds)
    {
        var expiresAt = ActivationTokenReader.Read(Jwt(Header, claims)).ExpiresAt;

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expectedUnixMilliseconds), expiresAt);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"addr":null,"exp":null,"iat":null,"jti":null,"type":null}""")]
    public void Read_MissingOrNullClaims_AreNull(string claims)
    {
        Assert.Equal(new ActivationTokenClaims(null, null, null, null, null), ActivationTokenReader.Read(Jwt(Header, claims)));
    }

    [Fact]
    public void Read_UnknownClaimsAndOtherCase_AreIgnored()
    {
        var claims = ActivationTokenReader.Read(Jwt(Header, """{"ADDR":"x","nbf":[1,2],"extra":{"a":1},"type":"wrapping"}"""));

        Assert.Equal(new ActivationTokenClaims(null, null, null, null, "wrapping"), claims);
    }

    [Fact]
    public void Read_NonAsciiClaim_IsDecodedAsUtf8()
    {
        Assert.Equal("https://vault.exämple:8200", ActivationTokenReader.Read(Jwt(Header, """{"addr":"https://vault.exämple:8200"}""")).Address);
    }

    [Theory]
    [InlineData("", "The activation token is empty.")]
    [InlineData("   ", "The activation token is empty.")]
    [InlineData("hvs.CAESIJ2lpZ4Tx8yqUJ4l1Z2D", "The activation token is not a JWT: expected three dot-separated parts but found 2.")]
    [InlineData("eyJhbGciOiJFUzUxMiJ9", "The activation token is not a JWT: expected three dot-separated parts but found 1.")]
    [InlineData("a.b.c.d", "The activation token is not a JWT: expected three dot-separated parts but found 4.")]
    public void Read_NotAJwt_IsRejected(string jwt, string expectedMessage)
    {
        AssertRejected(jwt, expectedMessage);
    }

    [Fact]
    public void Read_Null_IsRejectedAsEmpty()
    {
        Assert.Equal("The activation token is empty.",
            Assert.Throws<TokenFormatException>(() => ActivationTokenReader.Read(null!)).Message);
    }

    [Theory]
    [InlineData(0, "The activation token's header is not valid base64url.")]
    [InlineData(1, "The activation token's payload is not valid base64url.")]
    [InlineData(2, "The activation token's signature is not valid base64url.")]
    public void Read_PartWithStandardBase64Characters_IsRejected(int part, string expectedMessage)
    {
        AssertRejected(ReplacePart(VaultShapedJwt, part, p => p[..^4] + "ab+/"), expectedMessage);
    }

    [Theory]
    [InlineData(0, "The activation token's header is not valid base64url.")]
    [InlineData(1, "The activation token's payload is not valid base64url.")]
    public void Read_EmptyHeaderOrPayload_IsRejected(int part, string expectedMessage)
    {
        AssertRejected(ReplacePart(VaultShapedJwt, part, _ => string.Empty), expectedMessage);
    }

    [Theory]
    [InlineData("x")] // a lone trailing character cannot be a whole byte
    [InlineData("x===")]
    [InlineData("ab=c")]
    [InlineData("a b")]
    public void Read_MalformedBase64UrlPayload_IsRejected(string suffix)
    {
        AssertRejected(ReplacePart(VaultShapedJwt, 1, p => p + suffix), "The activation token's payload is not valid base64url.");
    }

    [Theory]
    [InlineData("""{"addr":"https://10.0.0.1:8200",""")]
    [InlineData("not json")]
    [InlineData("""{"addr":'single'}""")]
    public void Read_PayloadNotJson_IsRejected(string claims)
    {
        AssertRejected(Jwt(Header, claims), "The activation token's payload is not valid JSON.");
    }

    [Fact]
    public void Read_PayloadNotUtf8_IsRejected()
    {
        var jwt = $"{Base64Url(Encoding.UTF8.GetBytes(Header))}.{Base64Url([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])}.{Signature}";

        AssertRejected(jwt, "The activation token's payload is not valid JSON.");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""["addr"]""")]
    [InlineData("\"wrapping\"")]
    [InlineData("1700000000")]
    [InlineData("null")]
    [InlineData("true")]
    public void Read_PayloadNotAnObject_IsRejected(string claims)
    {
        AssertRejected(Jwt(Header, claims), "The activation token's payload is not a JSON object.");
    }

    [Theory]
    [InlineData("""{"addr":8200}""", "addr")]
    [InlineData("""{"jti":{"id":"x"}}""", "jti")]
    [InlineData("""{"type":true}""", "type")]
    public void Read_StringClaimOfAnotherType_IsRejected(string claims, string name)
    {
        AssertRejected(Jwt(Header, claims), $"The activation token's '{name}' claim is not a string.");
    }

    [Theory]
    [InlineData("""{"exp":"1700000000"}""", "exp")]
    [InlineData("""{"iat":[1699998200]}""", "iat")]
    [InlineData("""{"iat":false}""", "iat")]
    public void Read_DateClaimNotANumber_IsRejected(string claims, string name)
    {
        AssertRejected(Jwt(Header, claims), $"The activation token's '{name}' claim is not a number.");
    }

    [Theory]
    [InlineData("""{"exp":253402300800}""", "exp")]
    [InlineData("""{"exp":253402300799.5}""", "exp")]
    [InlineData("""{"iat":-62135596801}""", "iat")]
    [InlineData("""{"exp":1e300}""", "exp")]
    [InlineData("""{"exp":99999999999999999999999}""", "exp")]
    public void Read_DateClaimOutOfRange_IsRejected(string claims, string name)
    {
        AssertRejected(Jwt(Header, claims), $"The activation token's '{name}' claim is not a date between the years 1 and 9999.");
    }

    [Fact]
    public void TryRead_ValidToken_ReturnsTrueAndTheClaims()
    {
        Assert.True(ActivationTokenReader.TryRead(VaultShapedJwt, out var claims));
        Assert.Equal(ActivationTokenReader.Read(VaultShapedJwt), claims);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("e30.W10.")] // payload "[]"
    public void TryRead_BadToken_ReturnsFalseAndNull(string jwt)
    {
        Assert.False(ActivationTokenReader.TryRead(jwt, out var claims));
        Assert.Null(claims);
    }

    private static void AssertRejected(string jwt, string expectedMessage)
    {
        var error = Assert.Throws<TokenFormatException>(() => ActivationTokenReader.Read(jwt));

        Assert.Equal(expectedMessage, error.Message);
        foreach (var part in jwt.Split('.').Where(p => p.Trim().Length >= 8))
        {
            Assert.DoesNotContain(part.Trim()[..8], error.Message, StringComparison.Ordinal);
        }
    }

    private static string Jwt(string header, string claims) =>
        $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(claims))}.{Signature}";

    private static string ReplacePart(string jwt, int index, Func<string, string> change)
    {
        var parts = jwt.Split('.');
        parts[index] = change(parts[index]);
        return string.Join('.', parts);
    }

    // RFC 7515 appendix C: base64url without padding, written out here rather than shared with the module.
    private static string Base64Url(byte[] bytes)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var text = new StringBuilder();
        for (var i = 0; i < bytes.Length; i += 3)
        {
            var remaining = Math.Min(3, bytes.Length - i);
            var group = bytes[i] << 16 | (remaining > 1 ? bytes[i + 1] << 8 : 0) | (remaining > 2 ? bytes[i + 2] : 0);
            for (var c = 0; c <= remaining; c++)
            {
                text.Append(alphabet[(group >> (18 - 6 * c)) & 0x3f]);
            }
        }

        return text.ToString();
    }

    private static string PadBase64(string text) => text.PadRight((text.Length + 3) / 4 * 4, '=');
}
