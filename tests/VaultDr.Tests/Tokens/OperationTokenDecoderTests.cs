using System.Text;
using VaultDr.Tokens;
using Xunit;

namespace VaultDr.Tests.Tokens;

public class OperationTokenDecoderTests
{
    // Modern vectors; the encoded values were computed outside .NET (Python's base64 module) and
    // are checked again below against this file's own XOR + base64.
    private const string Token28 = "hvs.CAESIJ2lpZ4Tx8yqUJ4l1Z2D";
    private const string Otp28 = "w3Zq8LmN2pRt5VxY7bKc9DfGh1Jk";
    private const string Encoded28 = "H0UpX3sNKB17OmAYRQxMDU9aMhJsDlIrWWt4Lw";

    private const string Token26 = "s.abcdefghijklmnopqrstuvwx";
    private const string Otp26 = "Q7dKx2LpV9mZr4TbN8cYw3HfJ6";
    private const string Encoded26 = "IhkFKRtWKRYxUQQwGVg5DCFIEisERz0QPU4";

    private const string Token32 = "hvs.CAESIJ2lpZ4Tx8yqUJ4l1Z2Dyg1n";
    private const string Otp32 = "w3Zq8LmN2pRt5VxY7bKc9DfGh1JkA0aZ";
    private const string Encoded32 = "H0UpX3sNKB17OmAYRQxMDU9aMhJsDlIrWWt4LzhXUDQ";

    // Legacy (Vault before 1.0): the OTP is bytes 0x10..0x1f.
    private const string LegacyToken = "3f2b8c1e-9d4a-4e6b-8f1c-2a7d5e9b0c43";
    private const string LegacyOtp = "EBESExQVFhcYGRobHB0eHw==";
    private const string LegacyEncoded = "LzqeDYlfWHyXBTBmQoYSXA==";

    public static TheoryData<string, string, string> ModernVectors => new()
    {
        { Token28, Otp28, Encoded28 },
        { Token26, Otp26, Encoded26 },
        { Token32, Otp32, Encoded32 },
    };

    [Theory]
    [MemberData(nameof(ModernVectors))]
    public void ModernVectors_MatchAnIndependentXorAndBase64(string token, string otp, string encoded)
    {
        Assert.Equal(otp.Length, token.Length);
        Assert.Equal(encoded, XorToRawBase64(token, otp));
    }

    [Theory]
    [MemberData(nameof(ModernVectors))]
    public void Decode_ModernPair_ReturnsTheToken(string token, string otp, string encoded)
    {
        Assert.Equal(token, OperationTokenDecoder.Decode(encoded, otp));
    }

    [Theory]
    [MemberData(nameof(ModernVectors))]
    public void Encode_ModernPair_ReturnsUnpaddedStandardBase64(string token, string otp, string encoded)
    {
        var result = OperationTokenDecoder.Encode(token, otp);

        Assert.Equal(encoded, result);
        Assert.DoesNotContain('=', result);
    }

    [Fact]
    public void Decode_28ByteToken_Is38Characters()
    {
        Assert.Equal(38, Encoded28.Length);
    }

    [Theory]
    [InlineData(Encoded28 + "==", Otp28, Token28)]
    [InlineData(Encoded26 + "=", Otp26, Token26)]
    public void Decode_AcceptsPaddedModernToken(string padded, string otp, string token)
    {
        Assert.Equal(0, padded.Length % 4);
        Assert.Equal(token, OperationTokenDecoder.Decode(padded, otp));
    }

    [Fact]
    public void Decode_IgnoresSurroundingWhitespaceFromPasting()
    {
        Assert.Equal(Token28, OperationTokenDecoder.Decode("  " + Encoded28 + "\r\n", "\t" + Otp28 + "\n"));
    }

    [Fact]
    public void LegacyVector_MatchesAnIndependentXor()
    {
        var otpBytes = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
        var tokenBytes = Convert.FromHexString(LegacyToken.Replace("-", string.Empty, StringComparison.Ordinal));

        Assert.Equal(LegacyOtp, Convert.ToBase64String(otpBytes));
        Assert.Equal(LegacyEncoded, Convert.ToBase64String(Xor(tokenBytes, otpBytes)));
    }

    [Fact]
    public void Decode_LegacyPair_ReturnsLowercaseUuid()
    {
        Assert.Equal(LegacyToken, OperationTokenDecoder.Decode(LegacyEncoded, LegacyOtp));
    }

    [Fact]
    public void Decode_LegacyPairWithoutPaddingOnTheEncodedToken_ReturnsUuid()
    {
        Assert.Equal(LegacyToken, OperationTokenDecoder.Decode(LegacyEncoded.TrimEnd('='), LegacyOtp));
    }

    [Fact]
    public void Decode_LegacyResult_IsFormattedLikeGoFormatUuid()
    {
        // Token bytes 0x00..0x0f must come out in that order, not in .NET's mixed-endian Guid order.
        var tokenBytes = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var otp = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
        var encoded = Convert.ToBase64String(Xor(tokenBytes, otp));

        Assert.Equal("00010203-0405-0607-0809-0a0b0c0d0e0f", OperationTokenDecoder.Decode(encoded, LegacyOtp));
    }

    [Fact]
    public void EncodeLegacy_ReturnsPaddedBase64OfUuidBytesXorOtp()
    {
        var otp = Convert.FromBase64String(LegacyOtp);

        Assert.Equal(LegacyEncoded, OperationTokenDecoder.EncodeLegacy(Guid.Parse(LegacyToken), otp));
    }

    [Fact]
    public void EncodeLegacy_ThenDecode_RoundTripsManyUuids()
    {
        var random = new Random(1234);
        for (var i = 0; i < 200; i++)
        {
            var otp = new byte[16];
            random.NextBytes(otp);
            var tokenBytes = new byte[16];
            random.NextBytes(tokenBytes);
            var token = new Guid(tokenBytes);

            var encoded = OperationTokenDecoder.EncodeLegacy(token, otp);

            Assert.EndsWith("==", encoded, StringComparison.Ordinal);
            Assert.Equal(token.ToString("D"), OperationTokenDecoder.Decode(encoded, Convert.ToBase64String(otp)));
        }
    }

    [Fact]
    public void Encode_ThenDecode_RoundTripsEveryLengthAndTheOtherWayRound()
    {
        const string base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        const string printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        var random = new Random(5678);
        for (var length = 1; length <= 100; length++)
        {
            var otp = RandomText(random, base62, length);
            var token = RandomText(random, printable, length);

            var encoded = OperationTokenDecoder.Encode(token, otp);

            Assert.Equal(XorToRawBase64(token, otp), encoded);
            Assert.Equal(token, OperationTokenDecoder.Decode(encoded, otp));
        }
    }

    [Theory]
    [InlineData("", Otp28, "The encoded token is empty.")]
    [InlineData("   ", Otp28, "The encoded token is empty.")]
    [InlineData(Encoded28, "", "The OTP is empty.")]
    [InlineData(Encoded28, " \n", "The OTP is empty.")]
    public void Decode_EmptyInput_IsRejected(string encoded, string otp, string expectedMessage)
    {
        var error = Assert.Throws<TokenFormatException>(() => OperationTokenDecoder.Decode(encoded, otp));

        Assert.Equal(expectedMessage, error.Message);
    }

    [Fact]
    public void Decode_NullInput_IsRejectedAsEmpty()
    {
        Assert.Equal("The encoded token is empty.",
            Assert.Throws<TokenFormatException>(() => OperationTokenDecoder.Decode(null!, Otp28)).Message);
        Assert.Equal("The OTP is empty.",
            Assert.Throws<TokenFormatException>(() => OperationTokenDecoder.Decode(Encoded28, null!)).Message);
    }

    [Theory]
    [InlineData("H0UpX3sNKB17OmAYRQxMDU9aMhJsDlIrWWt4L*")] // character outside the alphabet
    [InlineData("H0UpX3sNKB17OmAYRQxMDU9aMhJsDlIrWWt4L-")] // base64url, not standard
    [InlineData("H0UpX3sNKB17OmAYRQxMDU9aMhJsDlIrWWt4L")] // 37 characters: one too many for a whole byte
    [InlineData("H0UpX3sNKB17OmAYRQ==xMDU9aMhJsDlIrWWt4Lw")] // padding in the middle
    [InlineData("H0UpX3sNKB17OmAYRQxMDU9aMhJsDlIrWWt4Lw===")] // three padding characters
    [InlineData("H0UpX3sNKB17OmAYRQxMDU9aMhJsDlIrWWt4Lw=")] // padded but not a whole group
    [InlineData("H0UpX3sNKB17OmAY RQxMDU9aMhJsDlIrWWt4Lw")] // inner whitespace
    [InlineData("====")]
    public void Decode_EncodedTokenNotBase64_IsRejected(string encoded)
    {
        AssertRejected(encoded, Otp28, "The encoded token is not valid base64.", Token28);
    }

    [Fact]
    public void Decode_OtpShorterThanToken_IsRejectedWithBothLengths()
    {
        AssertRejected(Encoded28, Otp26,
            "The OTP is 26 characters but the encoded token decodes to 28 bytes; they must be the same length.",
            Token28);
    }

    [Fact]
    public void Decode_OtpLongerThanToken_IsRejectedWithBothLengths()
    {
        AssertRejected(Encoded26, Otp28,
            "The OTP is 28 characters but the encoded token decodes to 26 bytes; they must be the same length.",
            Token26);
    }

    [Fact]
    public void Decode_WrongOtpOfTheRightLength_IsRejected()
    {
        const string otherOtp = "kJ1hGfD9cKb7YxV5tRp2NmL8qZ3w";
        Assert.True(KeyShareFormat.IsValidBase62Otp(otherOtp));

        AssertRejected(Encoded28, otherOtp,
            "The decoded token is not printable text; this is the wrong OTP for this encoded token.", Token28);
    }

    [Theory]
    [InlineData("w3Zq8LmN2pRt5VxY7bKc9DfGh1J-")]
    [InlineData("w3Zq8LmN2pRt5VxY7bKc9DfGh1J=")]
    [InlineData("w3Zq8LmN2pRt5VxY7bKc9DfG h1J")]
    [InlineData("EBESExQVFhcYGRobHB0eHw=")] // a legacy OTP missing one padding character
    [InlineData("EBESExQVFhcYGRobHB0eHw+=")] // 24 characters ending in one '=' only
    public void Decode_OtpNeitherBase62NorLegacy_IsRejected(string otp)
    {
        AssertRejected(Encoded28, otp,
            "The OTP is neither a base62 OTP (ASCII letters and digits) nor a legacy OTP (base64 of 16 bytes).",
            Token28);
    }

    [Fact]
    public void Decode_LegacyOtpWithModernEncodedToken_IsRejectedWithBothLengths()
    {
        AssertRejected(Encoded28, LegacyOtp,
            "The OTP is a legacy OTP of 16 bytes but the encoded token decodes to 28 bytes; they must be the same length.",
            Token28);
    }

    [Fact]
    public void Decode_LegacyOtpWithBadEncodedToken_IsRejected()
    {
        AssertRejected("LzqeDYlfWHyXBTBm*oYSXA==", LegacyOtp, "The encoded token is not valid base64.", LegacyToken);
    }

    [Theory]
    [InlineData("", Otp28, "The token is empty.")]
    [InlineData(Token28, "", "The OTP is empty.")]
    [InlineData(Token28, "w3Zq8LmN2pRt5VxY7bKc9DfGh1J-", "The OTP is not base62 (ASCII letters and digits only).")]
    [InlineData("hvs.CAESIJ2lpZ4Tx8yqUJ4l1Z2é", Otp28, "The token contains characters other than printable ASCII.")]
    [InlineData("hvs.CAESIJ2lpZ4Tx8yqUJ4l1Z2\n", Otp28, "The token contains characters other than printable ASCII.")]
    [InlineData(Token26, Otp28, "The OTP is 28 characters but the token is 26 characters; they must be the same length.")]
    public void Encode_BadInput_IsRejectedWithoutEchoingIt(string token, string otp, string expectedMessage)
    {
        var error = Assert.Throws<TokenFormatException>(() => OperationTokenDecoder.Encode(token, otp));

        Assert.Equal(expectedMessage, error.Message);
        AssertNotEchoed(error.Message, token, otp);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(32)]
    public void EncodeLegacy_OtpNot16Bytes_IsRejected(int otpLength)
    {
        var error = Assert.Throws<TokenFormatException>(
            () => OperationTokenDecoder.EncodeLegacy(Guid.Parse(LegacyToken), new byte[otpLength]));

        Assert.Equal($"A legacy OTP is 16 bytes but {otpLength} bytes were given.", error.Message);
    }

    [Fact]
    public void EncodeLegacy_NullOtp_IsRejected()
    {
        var error = Assert.Throws<TokenFormatException>(
            () => OperationTokenDecoder.EncodeLegacy(Guid.Parse(LegacyToken), null!));

        Assert.Equal("A legacy OTP is 16 bytes but 0 bytes were given.", error.Message);
    }

    [Fact]
    public void TokenFormatException_IsAFormatException()
    {
        Assert.IsAssignableFrom<FormatException>(new TokenFormatException("x"));
    }

    private static void AssertRejected(string encoded, string otp, string expectedMessage, string token)
    {
        var error = Assert.Throws<TokenFormatException>(() => OperationTokenDecoder.Decode(encoded, otp));

        Assert.Equal(expectedMessage, error.Message);
        AssertNotEchoed(error.Message, encoded, otp, token);
    }

    private static void AssertNotEchoed(string message, params string[] secrets)
    {
        foreach (var secret in secrets.Where(s => s.Trim().Length >= 8))
        {
            Assert.DoesNotContain(secret.Trim(), message, StringComparison.Ordinal);
            // A fragment is enough to leak part of a secret.
            Assert.DoesNotContain(secret.Trim()[..8], message, StringComparison.Ordinal);
        }
    }

    private static string XorToRawBase64(string token, string otp) =>
        Convert.ToBase64String(Xor(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(otp))).TrimEnd('=');

    private static byte[] Xor(byte[] left, byte[] right)
    {
        Assert.Equal(left.Length, right.Length);
        var result = new byte[left.Length];
        for (var i = 0; i < left.Length; i++)
        {
            result[i] = (byte)(left[i] ^ right[i]);
        }

        return result;
    }

    private static string RandomText(Random random, string alphabet, int length) =>
        new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
}
