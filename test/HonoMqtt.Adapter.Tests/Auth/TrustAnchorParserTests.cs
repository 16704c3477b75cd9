using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

public sealed class TrustAnchorParserTests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static readonly X509Certificate2 Ca = new CertificateRequest("CN=Tenant CA, O=ACME", Key, HashAlgorithmName.SHA256)
        .CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static (IReadOnlyList<TrustAnchor> Anchors, List<string> Errors) Parse(string json)
    {
        var errors = new List<string>();
        return (TrustAnchorParser.Parse(JsonNode.Parse(json), "$.tenants.t.trusted-ca", errors), errors);
    }

    [Test]
    public void Parse_Cert_TakesNameKeyAndValidityFromTheCertificate()
    {
        var (anchors, errors) = Parse("[ { \"cert\": \"" + Convert.ToBase64String(Ca.RawData) + "\", \"auth-id-template\": \"{{subject-cn}}\" } ]");

        errors.Should().BeEmpty();
        anchors.Should().ContainSingle();
        anchors[0].Subject.ToRfc2253().Should().Be("CN=Tenant CA,O=ACME");
        anchors[0].Algorithm.Should().Be("EC");
        anchors[0].NotAfter.Should().Be(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        anchors[0].AuthIdTemplate.Should().Be("{{subject-cn}}");
        anchors[0].PublicKey.Should().Equal(Ca.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Test]
    public void Parse_PublicKey_NeedsNameAlgorithmAndValidity()
    {
        var key = Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo());

        var (anchors, errors) = Parse($$"""
            [ { "subject-dn": "CN=Tenant CA, O=ACME", "public-key": "{{key}}", "algorithm": "EC",
                "not-before": "2020-01-01T00:00:00Z", "not-after": "2040-01-01T00:00:00+01:00" } ]
            """);

        errors.Should().BeEmpty();
        anchors.Should().ContainSingle().Which.Subject.Matches(DistinguishedName.FromX500(Ca.SubjectName)).Should().BeTrue();
    }

    [Test]
    public void Parse_BadEntries_ReportsEveryProblem()
    {
        var key = Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo());

        var (anchors, errors) = Parse($$"""
            [
              { "subject-dn": "CN=x", "public-key": "{{key}}" },
              { "subject-dn": "nonsense", "public-key": "AAAA", "not-before": "yesterday", "not-after": "2040-01-01T00:00:00Z" },
              { "cert": "not base64!" },
              { "cert": "{{Convert.ToBase64String(Ca.RawData)}}", "auth-id-template": "fixed", "ocsp-revocation-enabled": true },
              { "public-key": "{{key}}" },
              42
            ]
            """);

        anchors.Should().BeEmpty();
        errors.Should().Contain(e => e.Contains("[0].algorithm") && e.Contains("is RSA but the public key is EC"));
        errors.Should().Contain(e => e.Contains("[0]") && e.Contains("\"not-before\" is required"));
        errors.Should().Contain(e => e.Contains("[1].subject-dn"));
        errors.Should().Contain(e => e.Contains("[1].public-key"));
        errors.Should().Contain(e => e.Contains("[1].not-before"));
        errors.Should().Contain(e => e.Contains("[2].cert"));
        errors.Should().Contain(e => e.Contains("[3].auth-id-template"));
        errors.Should().Contain(e => e.Contains("[3].ocsp-revocation-enabled"));
        errors.Should().Contain(e => e.Contains("[4]") && e.Contains("needs \"cert\""));
        errors.Should().Contain(e => e.Contains("[5]: must be an object"));
    }
}
