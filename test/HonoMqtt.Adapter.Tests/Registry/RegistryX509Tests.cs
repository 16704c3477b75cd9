using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Registry;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Registry;

public sealed class RegistryX509Tests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static string Cert(string subject) => Convert.ToBase64String(new CertificateRequest(subject, Key, HashAlgorithmName.SHA256)
        .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).RawData);

    private static readonly string CaCert = Cert("CN=Shared CA,O=ACME");

    [Test]
    public void Parse_TwoTenantsWithOneCaAndNoGroup_IsAnError()
    {
        var json = $$"""
            { "tenants": { "a": { "trusted-ca": [ { "cert": "{{CaCert}}" } ] }, "b": { "trusted-ca": [ { "cert": "{{CaCert}}" } ] } } }
            """;

        var act = () => RegistryFileParser.Parse(json);

        act.Should().Throw<RegistryFormatException>().Which.Message.Should().Contain("trust-anchor-group");
    }

    [Test]
    public void Parse_TwoTenantsWithOneCaInOneGroup_AreFoundOnlyById()
    {
        var json = $$"""
            { "tenants": {
                "a": { "trust-anchor-group": "g", "trusted-ca": [ { "cert": "{{CaCert}}" } ] },
                "b": { "trust-anchor-group": "g", "alias": "bee", "trusted-ca": [ { "cert": "{{CaCert}}" } ] },
                "c": { "trusted-ca": [ { "cert": "{{Cert("CN=Own CA,O=ACME")}}" } ] } } }
            """;

        var snapshot = RegistryFileParser.Parse(json);

        Rfc2253Parser.TryParse("CN=Shared CA, O=ACME", out var shared, out _).Should().BeTrue();
        Rfc2253Parser.TryParse("cn=own ca,o=acme", out var own, out _).Should().BeTrue();
        snapshot.GetTenantByTrustedCa(shared!).Should().BeNull("the issuer alone is ambiguous");
        snapshot.GetTenantByTrustedCa(own!)!.TenantId.Should().Be("c");
        snapshot.GetTenantByIdOrAlias("bee")!.TenantId.Should().Be("b");
        snapshot.GetTenantByIdOrAlias("a")!.TenantId.Should().Be("a");
    }

    [Test]
    public void Parse_AliasThatIsAnotherTenantsId_IsAnError()
    {
        var act = () => RegistryFileParser.Parse("""{ "tenants": { "a": {}, "b": { "alias": "a" } } }""");

        act.Should().Throw<RegistryFormatException>().Which.Message.Should().Contain("alias");
    }

    [Test]
    public void Parse_X509AuthIds_AreNormalisedOrTakenFromTheCertificate()
    {
        var json = $$"""
            { "tenants": { "t": {} },
              "devices": { "t": {
                "d1": { "credentials": [ { "type": "x509-cert", "auth-id": "CN=d1, OU=x, O=ACME", "secrets": [ {} ] } ] },
                "d2": { "credentials": [ { "type": "x509-cert", "cert": "{{Cert("CN=d2,O=ACME")}}", "secrets": [ {} ] } ] },
                "d3": { "credentials": [ { "type": "x509-cert", "auth-id": "templated-d3", "secrets": [ {} ] } ] } } } }
            """;

        var snapshot = RegistryFileParser.Parse(json);

        snapshot.GetCredentials("t", "x509-cert", "CN=d1,OU=x,O=ACME")!.DeviceId.Should().Be("d1");
        snapshot.GetCredentials("t", "x509-cert", "CN=d2,O=ACME")!.DeviceId.Should().Be("d2");
        snapshot.GetCredentials("t", "x509-cert", "templated-d3")!.DeviceId.Should().Be("d3");
    }
}
