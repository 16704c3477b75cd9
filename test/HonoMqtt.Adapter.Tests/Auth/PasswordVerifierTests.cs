using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

// Spec registry-and-limits.md §5.2. All vectors were computed independently of the code under test:
// - sha-256/sha-512 with
//   /usr/bin/python3 -c 'import hashlib,base64; d=hashlib.new(ALG); d.update(SALT); d.update(PW.encode("utf-8"));
//   print(base64.b64encode(d.digest()).decode())'
// - $2y$ with Debian apache2-utils: htpasswd -nbBC 4 u hono-secret
// - $2a$/$2b$ with Debian python3-bcrypt 3.2.2: bcrypt.hashpw(PW, bcrypt.gensalt(4[, prefix=b"2a"])),
//   and the $2y$ hash cross-checked with bcrypt.checkpw, the $2b$ one with htpasswd -vb.
public sealed class PasswordVerifierTests
{
    private const string Password = "hono-secret";

    // 16-byte salt 0x00..0x0F.
    private const string Salt16 = "AAECAwQFBgcICQoLDA0ODw==";
    private const string Sha256NoSalt = "1kkUGFVe8TyUi+9KxFPkOXRFU0drt2mO5xLRRrBOkHY=";
    private const string Sha256Salt16 = "OGRvwyR/FLk6bHdXAbGSVqR6ljl7OU2Me5NySuGDy6M=";
    private const string Sha512NoSalt = "jZxT1LMIku7OjiOWEJqRiWrUxSwDy444S8xz9GLKvz9hoaOsxCjhUGtCJD4+cowTjzzvz2piN424BZLsFoWkSA==";

    // The 4-byte salt of Hono's Credentials API example (0x32AEF017); the example's pwd-hash "AQIDBAUGBwg=" is a
    // placeholder (8 bytes, not a SHA-512 digest), so this digest of "hono-secret" stands in for it.
    private const string HonoExampleSalt = "Mq7wFw==";
    private const string Sha512HonoExampleSalt = "7Er7dwVjZf59fIGIjJaTxpm7lQpSVzpjrHm8mt6eyzgvO3HbkXwVQPHddLsnOJ8qt3rcFqp4UZTJKXYT9lMx8w==";

    private const string Bcrypt2a = "$2a$04$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG";
    private const string Bcrypt2b = "$2b$04$sa8rgej9SSKTSyxQ./1VAe7oFjqZwlhxMHIpLh/wtyxS/OhqrvWKe";
    private const string Bcrypt2y = "$2y$04$Sm6CPaRH/Bi9KNh64xGj.uEihWrqct457iFETIQ2DmCNfKITczZmu";

    [Test]
    public void Matches_Sha256WithoutSalt_Matches()
    {
        PasswordVerifier.Matches("sha-256", Sha256NoSalt, null, Password).Should().BeTrue();
    }

    [Test]
    public void Matches_NullHashFunction_DefaultsToSha256()
    {
        PasswordVerifier.Matches(null, Sha256NoSalt, null, Password).Should().BeTrue();
        PasswordVerifier.Matches(null, Sha256Salt16, Salt16, Password).Should().BeTrue();
    }

    [Test]
    public void Matches_Sha256WithSalt_PrependsSalt()
    {
        PasswordVerifier.Matches("sha-256", Sha256Salt16, Salt16, Password).Should().BeTrue();
    }

    [Test]
    public void Matches_Sha512WithHonoExampleSalt_Matches()
    {
        PasswordVerifier.Matches("sha-512", Sha512HonoExampleSalt, HonoExampleSalt, Password).Should().BeTrue();
    }

    [Test]
    public void Matches_Sha512WithoutSalt_Matches()
    {
        PasswordVerifier.Matches("sha-512", Sha512NoSalt, null, Password).Should().BeTrue();
    }

    [Test]
    public void Matches_NonAsciiPassword_HashesUtf8()
    {
        PasswordVerifier.Matches("sha-256", "8jtbqp+5g0jiRUIfFyCthPwEwEJm6b+xfgd5t57VIGU=", Salt16, "pässwörd€").Should().BeTrue();
    }

    [Test]
    public void Matches_EmptyPassword_HashesNothing()
    {
        PasswordVerifier.Matches("sha-256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", null, string.Empty).Should().BeTrue();
    }

    [Test]
    public void Matches_WrongPassword_DoesNotMatch()
    {
        PasswordVerifier.Matches("sha-256", Sha256Salt16, Salt16, "hono-secreT").Should().BeFalse();
        PasswordVerifier.Matches("sha-512", Sha512HonoExampleSalt, HonoExampleSalt, string.Empty).Should().BeFalse();
    }

    [Test]
    public void Matches_SaltMissingOrWrong_DoesNotMatch()
    {
        PasswordVerifier.Matches("sha-256", Sha256Salt16, null, Password).Should().BeFalse();
        PasswordVerifier.Matches("sha-256", Sha256NoSalt, Salt16, Password).Should().BeFalse();
    }

    [Test]
    public void Matches_OtherShaFunction_DoesNotMatch()
    {
        PasswordVerifier.Matches("sha-512", Sha256NoSalt, null, Password).Should().BeFalse();
        PasswordVerifier.Matches("sha-256", Sha512NoSalt, null, Password).Should().BeFalse();
    }

    [Test]
    public void Matches_HexEncodedDigest_DoesNotMatch()
    {
        // Hono compares the raw digest; a hex string is just (valid) base64 of other bytes.
        const string hex = "38646fc3247f14b93a6c775701b19256a47a96397b394d8c7b93724ae183cba3";

        PasswordVerifier.Matches("sha-256", hex, Salt16, Password).Should().BeFalse();
    }

    [Test]
    public void Matches_UpperCaseHashFunction_FallsBackToBcrypt()
    {
        // Hono looks the name up in a case-sensitive map; unknown names use the bcrypt matcher.
        PasswordVerifier.Matches("SHA-256", Sha256NoSalt, null, Password).Should().BeFalse();
    }

    [Test]
    public void Matches_SaltEmbeddedInPwdHash_IsUsedWhenNoSaltGiven()
    {
        // Hono formats the secret as "{salt}hash" and parses it back (EncodedPassword).
        PasswordVerifier.Matches("sha-256", "{" + Salt16 + "}" + Sha256Salt16, null, Password).Should().BeTrue();
    }

    [TestCase("sha-256", "not base64!", null)]
    [TestCase("sha-256", Sha256Salt16, "not base64!")]
    [TestCase("sha-256", Sha256NoSalt + " ", null)]
    [TestCase("sha-256", "Q", null)]
    [TestCase("sha-512", "", null)]
    [TestCase("sha-256", "{not base64!}" + Sha256NoSalt, null)]
    [TestCase("bcrypt", Bcrypt2a, "not base64!")]
    public void Matches_InvalidBase64_DoesNotMatch(string hashFunction, string pwdHash, string? salt)
    {
        PasswordVerifier.Matches(hashFunction, pwdHash, salt, Password).Should().BeFalse();
    }

    [TestCase(Bcrypt2a)]
    [TestCase(Bcrypt2b)]
    [TestCase(Bcrypt2y)]
    public void Matches_BcryptVariants_Match(string pwdHash)
    {
        PasswordVerifier.Matches("bcrypt", pwdHash, null, Password).Should().BeTrue();
    }

    [TestCase(Bcrypt2a)]
    [TestCase(Bcrypt2b)]
    [TestCase(Bcrypt2y)]
    public void Matches_BcryptWrongPassword_DoesNotMatch(string pwdHash)
    {
        PasswordVerifier.Matches("bcrypt", pwdHash, null, "hono-secreT").Should().BeFalse();
    }

    [Test]
    public void Matches_BcryptWithSalt_DoesNotMatch()
    {
        // Hono prepends the salt as "{salt}", which breaks the bcrypt string.
        PasswordVerifier.Matches("bcrypt", Bcrypt2a, Salt16, Password).Should().BeFalse();
        PasswordVerifier.Matches("bcrypt", Bcrypt2a, string.Empty, Password).Should().BeFalse();
    }

    [TestCase("unknown")]
    [TestCase("BCRYPT")]
    [TestCase("")]
    public void Matches_UnknownHashFunction_UsesBcrypt(string hashFunction)
    {
        PasswordVerifier.Matches(hashFunction, Bcrypt2b, null, Password).Should().BeTrue();
    }

    [Test]
    public void Matches_BcryptNonAsciiPassword_HashesUtf8()
    {
        // python3-bcrypt: bcrypt.hashpw("pässwörd€".encode(), bcrypt.gensalt(4))
        PasswordVerifier.Matches("bcrypt", "$2b$04$J58uLs24YAtuKvBu85dZ3.NvIYjSRNuKbvDgwKutbM7CaC.KSr1tO", null, "pässwörd€")
            .Should().BeTrue();
    }

    [Test]
    public void Matches_BcryptEmptyPassword_Matches()
    {
        // python3-bcrypt: bcrypt.hashpw(b"", bcrypt.gensalt(4))
        PasswordVerifier.Matches("bcrypt", "$2b$04$8ngo6nQdWVpcMDG/a8/bQu0X/i5P6WLvE91hpzSVhDve03jsckVe2", null, string.Empty)
            .Should().BeTrue();
    }

    [Test]
    public void Matches_BcryptPasswordLongerThan72Bytes_ComparesFirst72()
    {
        // python3-bcrypt: hash of 72 × 'a'; bcrypt.checkpw(80 × 'a', hash) is True there as well.
        const string hash = "$2b$04$UfPM7/r3r9p3AQ/GyctzS.4vOfxbHQ9sVaxfv9NkRu2a06sE7QECm";

        PasswordVerifier.Matches("bcrypt", hash, null, new string('a', 72)).Should().BeTrue();
        PasswordVerifier.Matches("bcrypt", hash, null, new string('a', 80)).Should().BeTrue();
        PasswordVerifier.Matches("bcrypt", hash, null, new string('a', 71)).Should().BeFalse();
    }

    [TestCase("$2x$04$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG")] // prefix Spring refuses
    [TestCase("$2a$03$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG")] // cost below 4
    [TestCase("$2a$32$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG")] // cost above 31
    [TestCase("$2a$4$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG")]
    [TestCase("$2a$04$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99y")] // too short
    [TestCase("$2a$04$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yGx")] // too long
    [TestCase("$2a$04$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG\n")]
    [TestCase("$2a$04$mcqIgvkO3xcIB+EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG")] // '+' is not in the bcrypt alphabet
    [TestCase("$2a$\u0660\u0664$mcqIgvkO3xcIB.EPL3Ty9e3s7ViXa4FDSHwNVwo6KDsJSxfYn99yG")] // non-ASCII digits
    [TestCase("")]
    [TestCase("not a hash")]
    [TestCase(Sha256NoSalt)]
    public void Matches_MalformedBcryptHash_DoesNotMatchOrThrow(string pwdHash)
    {
        var act = () => PasswordVerifier.Matches("bcrypt", pwdHash, null, Password);

        act.Should().NotThrow().Which.Should().BeFalse();
    }

    [Test]
    public void HashPlainPassword_Result_UsesSha512WithFresh16ByteSalt()
    {
        var (hashFunction, pwdHash, salt) = PasswordVerifier.HashPlainPassword(Password);

        hashFunction.Should().Be("sha-512");
        var saltBytes = Convert.FromBase64String(salt);
        saltBytes.Should().HaveCount(16);

        // Recomputed here with the framework primitives, not with the code under test.
        var expected = SHA512.HashData([.. saltBytes, .. Encoding.UTF8.GetBytes(Password)]);
        Convert.FromBase64String(pwdHash).Should().Equal(expected);
    }

    [Test]
    public void HashPlainPassword_Result_VerifiesWithMatches()
    {
        var (hashFunction, pwdHash, salt) = PasswordVerifier.HashPlainPassword("pässwörd€");

        PasswordVerifier.Matches(hashFunction, pwdHash, salt, "pässwörd€").Should().BeTrue();
        PasswordVerifier.Matches(hashFunction, pwdHash, salt, "passwörd€").Should().BeFalse();
    }

    [Test]
    public void HashPlainPassword_TwoCalls_UseDifferentSalts()
    {
        var first = PasswordVerifier.HashPlainPassword(Password);
        var second = PasswordVerifier.HashPlainPassword(Password);

        second.Salt.Should().NotBe(first.Salt);
        second.PwdHash.Should().NotBe(first.PwdHash);
    }
}
