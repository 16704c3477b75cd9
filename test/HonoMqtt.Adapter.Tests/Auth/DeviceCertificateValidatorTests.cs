using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

public sealed class DeviceCertificateValidatorTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static (X509Certificate2 Ca, TrustAnchor Anchor) Ca(AsymmetricAlgorithm key, string name = "CN=Test CA,O=Tests")
    {
        var request = key is RSA rsa
            ? new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(name, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var ca = request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(1));
        var anchor = new TrustAnchor(DistinguishedName.FromX500(ca.SubjectName), ca.PublicKey.ExportSubjectPublicKeyInfo(),
            key is RSA ? "RSA" : "EC", Now.AddYears(-1), Now.AddYears(1), null);
        return (ca, anchor);
    }

    private static X509Certificate2 Device(X509Certificate2 ca, AsymmetricAlgorithm caKey, RSASignaturePadding? padding = null,
        HashAlgorithmName? hash = null, DateTimeOffset? notAfter = null, X509Extension? extension = null)
    {
        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=device-1,O=Tests", deviceKey, hash ?? HashAlgorithmName.SHA256);
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        var generator = caKey is RSA rsa ? X509SignatureGenerator.CreateForRSA(rsa, padding ?? RSASignaturePadding.Pkcs1) : X509SignatureGenerator.CreateForECDsa((ECDsa)caKey);
        return request.Create(ca.SubjectName, generator, Now.AddDays(-1), notAfter ?? Now.AddDays(30), [1, 2, 3]);
    }

    [TestCase("SHA256")]
    [TestCase("SHA384")]
    [TestCase("SHA512")]
    public void FindIssuer_RsaPkcs1Signature_Validates(string hash)
    {
        using var key = RSA.Create(2048);
        var (ca, anchor) = Ca(key);

        DeviceCertificateValidator.FindIssuer(Device(ca, key, hash: new HashAlgorithmName(hash)), [anchor], Now, out var reason).Should().Be(anchor, reason);
    }

    [Test]
    public void FindIssuer_RsaPssSignature_Validates()
    {
        using var key = RSA.Create(2048);
        var (ca, anchor) = Ca(key);

        DeviceCertificateValidator.FindIssuer(Device(ca, key, RSASignaturePadding.Pss), [anchor], Now, out var reason).Should().Be(anchor, reason);
    }

    [Test]
    public void FindIssuer_EcdsaSignature_Validates()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var (ca, anchor) = Ca(key);

        DeviceCertificateValidator.FindIssuer(Device(ca, key, hash: HashAlgorithmName.SHA384), [anchor], Now, out var reason).Should().Be(anchor, reason);
    }

    [Test]
    public void FindIssuer_SameNameOtherKey_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (_, anchor) = Ca(key);
        var (impostor, _) = Ca(impostorKey);

        DeviceCertificateValidator.FindIssuer(Device(impostor, impostorKey), [anchor], Now, out var reason).Should().BeNull();
        reason.Should().Contain("signature");
    }

    [Test]
    public void FindIssuer_OtherIssuerName_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (ca, _) = Ca(key);
        var (_, otherAnchor) = Ca(key, "CN=Other CA,O=Tests");

        DeviceCertificateValidator.FindIssuer(Device(ca, key), [otherAnchor], Now, out var reason).Should().BeNull();
        reason.Should().Contain("not a trust anchor");
    }

    [Test]
    public void FindIssuer_ExpiredCertificate_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (ca, anchor) = Ca(key);

        DeviceCertificateValidator.FindIssuer(Device(ca, key, notAfter: Now.AddSeconds(-1)), [anchor], Now, out var reason).Should().BeNull();
        reason.Should().Contain("validity");
    }

    [Test]
    public void FindIssuer_AnchorOutsideItsValidity_IsSkipped()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (ca, anchor) = Ca(key);

        DeviceCertificateValidator.FindIssuer(Device(ca, key), [anchor with { NotAfter = Now.AddDays(-1) }], Now, out _).Should().BeNull();
    }

    [Test]
    public void FindIssuer_UnknownCriticalExtension_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (ca, anchor) = Ca(key);
        var extension = new X509Extension("1.3.6.1.4.1.99999.1", new byte[] { 0x05, 0x00 }, critical: true);

        DeviceCertificateValidator.FindIssuer(Device(ca, key, extension: extension), [anchor], Now, out var reason).Should().BeNull();
        reason.Should().Contain("critical extension");
    }

    [Test]
    public void FindIssuer_SecondAnchorMatches_IsFound()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (ca, anchor) = Ca(key);
        var (_, other) = Ca(otherKey, "CN=Other CA,O=Tests");

        DeviceCertificateValidator.FindIssuer(Device(ca, key), [other, anchor], Now, out _).Should().Be(anchor);
    }
}
