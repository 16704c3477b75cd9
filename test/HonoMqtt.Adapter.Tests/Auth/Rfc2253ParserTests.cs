using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

public sealed class Rfc2253ParserTests
{
    // Subject "O=ACME Corp,CN=device-1" as openssl encodes it (CN=device-1,O=ACME Corp in RFC 2253).
    private static readonly DistinguishedName Device = DistinguishedName.FromDer(Convert.FromBase64String("MCcxEjAQBgNVBAoMCUFDTUUgQ29ycDERMA8GA1UEAwwIZGV2aWNlLTE="));

    private static DistinguishedName Parse(string text)
    {
        Rfc2253Parser.TryParse(text, out var name, out var error).Should().BeTrue(error);
        return name!;
    }

    [TestCase("CN=device-1,O=ACME Corp")]
    [TestCase("CN=device-1, O=ACME Corp")]
    [TestCase("cn=DEVICE-1;o=acme corp")]
    [TestCase("CN = device-1 , O = ACME  Corp ")]
    [TestCase("CN=\"device-1\",O=\"ACME Corp\"")]
    [TestCase("CN=device\\2d1,O=ACME\\20Corp")]
    [TestCase("OID.2.5.4.3=device-1,2.5.4.10=ACME Corp")]
    [TestCase("CN=#0c086465766963652d31,O=ACME Corp")]
    public void Parse_SpellingsOfTheSameName_MatchTheCertificateName(string text)
    {
        Parse(text).Matches(Device).Should().BeTrue();
        Parse(text).Key.Should().Be(Device.Key);
    }

    [TestCase("O=ACME Corp,CN=device-1", TestName = "reversed order")]
    [TestCase("CN=device-2,O=ACME Corp", TestName = "another value")]
    [TestCase("CN=device-1", TestName = "fewer RDNs")]
    [TestCase("CN=device-1+OU=x,O=ACME Corp", TestName = "extra attribute")]
    [TestCase("CN=device-1,OU=ACME Corp", TestName = "another type")]
    public void Parse_OtherNames_DoNotMatch(string text)
    {
        Parse(text).Matches(Device).Should().BeFalse();
    }

    [Test]
    public void Parse_EmailKeyword_MatchesTheIa5StringOfACertificate()
    {
        // Subject CN=d,emailAddress=dev@example.com from openssl.
        var certificateName = DistinguishedName.FromDer(Convert.FromBase64String("MCwxCjAIBgNVBAMMAWQxHjAcBgkqhkiG9w0BCQEWD2RldkBleGFtcGxlLmNvbQ=="));

        Parse("EMAILADDRESS=dev@example.com,CN=d").Matches(certificateName).Should().BeTrue();
        Parse("1.2.840.113549.1.9.1=#160f646576406578616d706c652e636f6d,CN=d").Matches(certificateName).Should().BeTrue();
    }

    [Test]
    public void Parse_MultiValuedRdn_MatchesInAnyOrder()
    {
        Parse("OU=b+CN=a,O=x").Matches(Parse("CN=a+OU=b,O=x")).Should().BeTrue();
    }

    [TestCase("CN")]
    [TestCase("XX=1")]
    [TestCase("CN=a\\")]
    [TestCase("CN=#zz")]
    [TestCase("CN=\"unbalanced")]
    public void TryParse_Malformed_Fails(string text)
    {
        Rfc2253Parser.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().NotBeNullOrEmpty();
    }

    [Test]
    public void TryParse_Empty_IsTheEmptyName()
    {
        Parse("").Rdns.Should().BeEmpty();
    }
}
