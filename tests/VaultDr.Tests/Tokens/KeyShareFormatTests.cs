using VaultDr.Tokens;
using Xunit;

namespace VaultDr.Tests.Tokens;

public class KeyShareFormatTests
{
    // A real-shaped unseal share: 33 bytes, as Vault prints it in unseal_keys_hex / unseal_keys_b64.
    private const string ShareHex = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9001";
    private const string ShareBase64 = "obLD1OX2BxgpOktcbX6PkKGyw9Tl9gcYKTpLXG1+j5AB";

    [Fact]
    public void TheSampleSharesAreTheSame33Bytes()
    {
        Assert.Equal(Convert.FromHexString(ShareHex), Convert.FromBase64String(ShareBase64));
        Assert.Equal(33, Convert.FromHexString(ShareHex).Length);
    }

    [Theory]
    [InlineData(ShareHex)]
    [InlineData("A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9001")]
    [InlineData("00")]
    [InlineData("00ff")]
    [InlineData("DeadBeef")]
    [InlineData(ShareBase64)]
    [InlineData("AB==")]
    [InlineData("ABC=")]
    [InlineData("ABCD")]
    [InlineData("AB")]
    [InlineData("ABC")]
    [InlineData("a+/b")]
    [InlineData("abc")] // odd-length hex, but also unpadded base64 of two bytes
    public void IsValid_AcceptsHexOrStandardBase64(string share)
    {
        Assert.True(KeyShareFormat.IsValid(share));
    }

    [Theory]
    [InlineData("")]
    [InlineData("A")] // one base64 character cannot carry a whole byte
    [InlineData("abcde")] // odd-length hex and five base64 characters
    [InlineData("AB=")] // padded but not a whole group
    [InlineData("ABCDE===")]
    [InlineData("A===")]
    [InlineData("==")]
    [InlineData("=")]
    [InlineData("AB==CD")]
    [InlineData("AB=C")]
    [InlineData("ab-_")] // base64url, which Vault does not accept
    [InlineData("ab cd")]
    [InlineData(" 00ff")]
    [InlineData("00ff\n")]
    [InlineData("zz!?")]
    [InlineData("éé")]
    public void IsValid_RejectsAnythingElse(string share)
    {
        Assert.False(KeyShareFormat.IsValid(share));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Z")]
    [InlineData("0")]
    [InlineData("w3Zq8LmN2pRt5VxY7bKc9DfGh1Jk")]
    [InlineData("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")]
    public void IsValidBase62Otp_AcceptsLettersAndDigits(string otp)
    {
        Assert.True(KeyShareFormat.IsValidBase62Otp(otp));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc-")]
    [InlineData("abc_")]
    [InlineData("abc+")]
    [InlineData("abc/")]
    [InlineData("abc=")]
    [InlineData("ab c")]
    [InlineData("abc\n")]
    [InlineData("abcé")]
    [InlineData("EBESExQVFhcYGRobHB0eHw==")] // a legacy base64 OTP is not base62
    public void IsValidBase62Otp_RejectsAnythingElse(string otp)
    {
        Assert.False(KeyShareFormat.IsValidBase62Otp(otp));
    }
}
