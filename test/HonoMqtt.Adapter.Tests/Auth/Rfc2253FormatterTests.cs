using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

/// <summary>
/// The vectors: subjects of certificates made with <c>openssl req -x509 -utf8 -subj …</c>, formatted by Java 17's
/// <c>X500Principal.getName(RFC2253)</c> (what Hono does). Where <c>openssl x509 -noout -subject -nameopt RFC2253,-esc_msb</c>
/// prints the same, a third implementation agrees; where it differs, the comment says how (OpenSSL escapes less, names
/// more attribute types and escapes control characters).
/// </summary>
public sealed class Rfc2253FormatterTests
{
    [TestCase("MHcxCzAJBgNVBAYTAkRFMRswGQYDVQQIDBJCYWRlbi1Xw7xydHRlbWJlcmcxEjAQBgNVBAcMCVN0dXR0Z2FydDESMBAGA1UECgwJQUNNRSBDb3JwMRAwDgYDVQQLDAdEZXZpY2VzMREwDwYDVQQDDAhkZXZpY2UtMQ==",
        "CN=device-1,OU=Devices,O=ACME Corp,L=Stuttgart,ST=Baden-Württemberg,C=DE", TestName = "all RFC 2253 keywords, UTF-8 (openssl agrees)")]
    [TestCase("MCMxEzARBgNVBAoMCkFDTUUsIEluYy4xDDAKBgNVBAMMA2ErYg==", "CN=a\\+b,O=ACME\\, Inc.", TestName = "comma and plus escaped (openssl agrees)")]
    [TestCase("MC0xCjAIBgNVBAoMAXgxHzAdBgNVBAMMFiBsZWFkaW5nIGFuZCB0cmFpbGluZyA=", "CN=\\ leading and trailing\\ ,O=x",
        TestName = "leading and trailing spaces escaped (openssl agrees)")]
    [TestCase("MC0xKzApBgNVBAMMIiNoYXNoPWVxdWFscztzZW1pPGx0Pmd0InF1b3RlXGJhY2s=", "CN=\\#hash\\=equals\\;semi\\<lt\\>gt\\\"quote\\\\back",
        TestName = "every special character escaped (openssl: '=' not escaped)")]
    [TestCase("MCwxCjAIBgNVBAMMAWQxHjAcBgkqhkiG9w0BCQEWD2RldkBleGFtcGxlLmNvbQ==", "1.2.840.113549.1.9.1=#160f646576406578616d706c652e636f6d,CN=d",
        TestName = "emailAddress as OID and hex (openssl: emailAddress=dev@example.com)")]
    [TestCase("ME4xEzARBgoJkiaJk/IsZAEZFgNjb20xFzAVBgoJkiaJk/IsZAEZFgdleGFtcGxlMRIwEAYKCZImiZPyLGQBAQwCdTExCjAIBgNVBAMMAXg=",
        "CN=x,UID=u1,DC=example,DC=com", TestName = "DC and UID keywords (openssl agrees)")]
    [TestCase("MBsxDTALBgNVBAUTBDEyMzQxCjAIBgNVBAMMAXg=", "CN=x,2.5.4.5=#130431323334", TestName = "serialNumber as OID and hex (openssl: serialNumber=1234)")]
    [TestCase("MCIxCjAIBgNVBAoMAXgxFDAIBgNVBAMMAWEwCAYDVQQLDAFi", "CN=a+OU=b,O=x", TestName = "multi-valued RDN in encoding order (openssl: OU=b+CN=a)")]
    [TestCase("MC8xEjAQBgNVBAkMCU1haW4gU3QgMTENMAsGA1UEDAwEQm9zczEKMAgGA1UEAwwBeA==", "CN=x,2.5.4.12=#0c04426f7373,STREET=Main St 1",
        TestName = "STREET keyword, title as OID (openssl: title=Boss,street=…)")]
    [TestCase("MFExGTAXBgNVBAoMEMOcbsOvY8O2ZMOpIEdtYkgxDzANBgNVBAsMBlpvbmUgMTEPMA0GA1UECwwGWm9uZSAyMRIwEAYDVQQDDAlzZW5zb3IgNDI=",
        "CN=sensor 42,OU=Zone 2,OU=Zone 1,O=Ünïcödé GmbH", TestName = "repeated OU, non-ASCII (openssl agrees)")]
    [TestCase("MCAxDTALBgNVBAoMBEFDTUUxDzANBgNVBAMMBmNvc3QkNQ==", "CN=cost$5,O=ACME", TestName = "dollar sign (openssl agrees)")]
    [TestCase("MBExDzANBgNVBAMMBnRhYglpbg==", "CN=tab\tin", TestName = "tab kept as it is (openssl: \\09)")]
    public void Format_CertificateSubject_IsJavasRfc2253Form(string base64Der, string expected)
    {
        var name = DistinguishedName.FromDer(Convert.FromBase64String(base64Der));

        name.ToRfc2253().Should().Be(expected);
    }

    [Test]
    public void Format_NulCharacter_IsEscapedAsHex()
    {
        Rfc2253Parser.TryParse("CN=a\\00b", out var name, out _).Should().BeTrue();

        name!.ToRfc2253().Should().Be("CN=a\\00b");
    }

    [Test]
    public void Format_EmptyName_IsEmpty()
    {
        DistinguishedName.FromDer(new byte[] { 0x30, 0x00 }).ToRfc2253().Should().BeEmpty();
    }

    [TestCase("CN=device-1,OU=Devices,O=ACME Corp,L=Stuttgart,ST=Baden-Württemberg,C=DE")]
    [TestCase("CN=a\\+b,O=ACME\\, Inc.")]
    [TestCase("CN=\\ leading and trailing\\ ,O=x")]
    [TestCase("CN=\\#hash\\=equals\\;semi\\<lt\\>gt\\\"quote\\\\back")]
    [TestCase("1.2.840.113549.1.9.1=#160f646576406578616d706c652e636f6d,CN=d")]
    [TestCase("CN=a+OU=b,O=x")]
    [TestCase("CN=x,2.5.4.12=#0c04426f7373,STREET=Main St 1")]
    public void Parse_JavasOutput_FormatsBackTheSame(string rfc2253)
    {
        Rfc2253Parser.TryParse(rfc2253, out var name, out var error).Should().BeTrue(error);

        name!.ToRfc2253().Should().Be(rfc2253);
    }
}
