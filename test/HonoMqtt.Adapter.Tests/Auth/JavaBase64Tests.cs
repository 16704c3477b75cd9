using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

// Expected values checked against java.util.Base64.getDecoder().decode(String) on OpenJDK 17 (java Check.java).
public sealed class JavaBase64Tests
{
    [TestCase("", new byte[0])]
    [TestCase("QQ==", new byte[] { 0x41 })]
    [TestCase("QQ", new byte[] { 0x41 })]
    [TestCase("QUI=", new byte[] { 0x41, 0x42 })]
    [TestCase("QUI", new byte[] { 0x41, 0x42 })]
    [TestCase("QUJD", new byte[] { 0x41, 0x42, 0x43 })]
    [TestCase("Mq7wFw==", new byte[] { 0x32, 0xAE, 0xF0, 0x17 })]
    [TestCase("+/+/", new byte[] { 0xFB, 0xFF, 0xBF })]
    [TestCase("QR==", new byte[] { 0x41 })] // non-zero unused bits are ignored
    public void TryDecode_ValidInput_Decodes(string encoded, byte[] expected)
    {
        JavaBase64.TryDecode(encoded, out var bytes).Should().BeTrue();

        bytes.Should().Equal(expected);
    }

    [TestCase("Q")]
    [TestCase("Q=")]
    [TestCase("Q==")]
    [TestCase("QQ=")]
    [TestCase("QUI==")]
    [TestCase("=")]
    [TestCase("QUJD=")]
    [TestCase("QQ==QQ==")]
    [TestCase("QQ== ")]
    [TestCase(" QQ==")]
    [TestCase("Q Q==")]
    [TestCase("QQ\n==")]
    [TestCase("-_-_")]
    [TestCase("QUJ\u00e9")]
    public void TryDecode_InvalidInput_Fails(string encoded)
    {
        JavaBase64.TryDecode(encoded, out var bytes).Should().BeFalse();

        bytes.Should().BeNull();
    }

    [Test]
    public void TryDecode_Null_Fails()
    {
        JavaBase64.TryDecode(null, out _).Should().BeFalse();
    }
}
