using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

/// <summary>
/// Expected values computed with Java 17: Hono's <c>IdentityTemplate.apply</c> re-stated (LdapName's RDNs, then
/// <c>String.replaceAll</c>) over the RFC 2253 subjects of the openssl-made certificates of <see cref="Rfc2253FormatterTests"/>.
/// Null where Java throws (missing attribute, a <c>$</c> in the value).
/// </summary>
public sealed class AuthIdTemplateTests
{
    [TestCase("MHcxCzAJBgNVBAYTAkRFMRswGQYDVQQIDBJCYWRlbi1Xw7xydHRlbWJlcmcxEjAQBgNVBAcMCVN0dXR0Z2FydDESMBAGA1UECgwJQUNNRSBDb3JwMRAwDgYDVQQLDAdEZXZpY2VzMREwDwYDVQQDDAhkZXZpY2UtMQ==",
        "CN=device-1,OU=Devices,O=ACME Corp,L=Stuttgart,ST=Baden-Württemberg,C=DE", "device-1", "Devices", "ACME Corp", TestName = "plain subject")]
    [TestCase("MCMxEzARBgNVBAoMCkFDTUUsIEluYy4xDDAKBgNVBAMMA2ErYg==", "CN=a+b,O=ACME, Inc.", "a+b", null, "ACME, Inc.",
        TestName = "escapes lost in subject-dn as in Hono")]
    [TestCase("MC0xCjAIBgNVBAoMAXgxHzAdBgNVBAMMFiBsZWFkaW5nIGFuZCB0cmFpbGluZyA=", "CN= leading and trailing ,O=x", " leading and trailing ", null, "x",
        TestName = "spaces kept")]
    [TestCase("MC0xKzApBgNVBAMMIiNoYXNoPWVxdWFscztzZW1pPGx0Pmd0InF1b3RlXGJhY2s=", "CN=#hash=equals;semi<lt>gt\"quote\\back",
        "#hash=equals;semi<lt>gt\"quoteback", null, null, TestName = "a backslash in the value is dropped as in Hono")]
    [TestCase("MCwxCjAIBgNVBAMMAWQxHjAcBgkqhkiG9w0BCQEWD2RldkBleGFtcGxlLmNvbQ==", "1.2.840.113549.1.9.1=#160f646576406578616d706c652e636f6d,CN=d",
        "d", null, null, TestName = "OID attribute")]
    [TestCase("MCIxCjAIBgNVBAoMAXgxFDAIBgNVBAMMAWEwCAYDVQQLDAFi", "CN=a+OU=b,O=x", "a", null, "x",
        TestName = "multi-valued RDN: only the type sorting first counts")]
    [TestCase("MFExGTAXBgNVBAoMEMOcbsOvY8O2ZMOpIEdtYkgxDzANBgNVBAsMBlpvbmUgMTEPMA0GA1UECwwGWm9uZSAyMRIwEAYDVQQDDAlzZW5zb3IgNDI=",
        "CN=sensor 42,OU=Zone 2,OU=Zone 1,O=Ünïcödé GmbH", "sensor 42", "Zone 1", "Ünïcödé GmbH", TestName = "the least specific OU wins")]
    [TestCase("MCAxDTALBgNVBAoMBEFDTUUxDzANBgNVBAMMBmNvc3QkNQ==", null, null, null, "ACME", TestName = "a dollar sign fails the template")]
    public void Apply_EachPlaceholder_GivesWhatHonoGives(string base64Der, string? dn, string? cn, string? ou, string? o)
    {
        var subject = DistinguishedName.FromDer(Convert.FromBase64String(base64Der));

        AuthIdTemplate.Apply("{{subject-dn}}", subject).Should().Be(dn);
        AuthIdTemplate.Apply("{{subject-cn}}", subject).Should().Be(cn);
        AuthIdTemplate.Apply("{{subject-ou}}", subject).Should().Be(ou);
        AuthIdTemplate.Apply("{{subject-o}}", subject).Should().Be(o);
    }

    [Test]
    public void Apply_TextAndSeveralPlaceholders_FillsEach()
    {
        var subject = DistinguishedName.FromDer(Convert.FromBase64String(
            "MFExGTAXBgNVBAoMEMOcbsOvY8O2ZMOpIEdtYkgxDzANBgNVBAsMBlpvbmUgMTEPMA0GA1UECwwGWm9uZSAyMRIwEAYDVQQDDAlzZW5zb3IgNDI="));

        AuthIdTemplate.Apply("ou-{{subject-ou}}-cn-{{subject-cn}}", subject).Should().Be("ou-Zone 1-cn-sensor 42");
    }

    [TestCase("{{subject-cn}}", true)]
    [TestCase("device-{{subject-cn}}@{{subject-o}}", true)]
    [TestCase("no placeholder", false)]
    [TestCase("{{subject-cn}}-{{subject-serial}}", false)]
    public void IsValid_Template_AsHonosCheckValidity(string template, bool valid)
    {
        AuthIdTemplate.IsValid(template, out var error).Should().Be(valid, error);
    }
}
