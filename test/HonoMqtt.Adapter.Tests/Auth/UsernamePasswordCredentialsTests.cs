using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

// Spec mqtt-adapter.md §2.2(c); Hono UsernamePasswordAuthProvider / UsernamePasswordCredentials.
public sealed class UsernamePasswordCredentialsTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("hono-secret");

    [Test]
    public void TryParse_AuthIdAtTenant_SplitsUserName()
    {
        UsernamePasswordCredentials.TryParse("sensor1@DEFAULT_TENANT", Secret, out var credentials).Should().BeTrue();

        credentials.Should().Be(new UsernamePasswordCredentials("sensor1", "DEFAULT_TENANT", "hono-secret"));
    }

    [Test]
    public void TryParse_TenantContainingAt_SplitsAtFirstAt()
    {
        UsernamePasswordCredentials.TryParse("sensor1@my@tenant", Secret, out var credentials).Should().BeTrue();

        credentials!.AuthId.Should().Be("sensor1");
        credentials.TenantId.Should().Be("my@tenant");
    }

    [TestCase("sensor1")]
    [TestCase("")]
    [TestCase("@DEFAULT_TENANT")]
    [TestCase("sensor1@")]
    [TestCase("@")]
    public void TryParse_MalformedUserName_Fails(string username)
    {
        UsernamePasswordCredentials.TryParse(username, Secret, out var credentials).Should().BeFalse();

        credentials.Should().BeNull();
    }

    [Test]
    public void TryParse_MissingUserName_Fails()
    {
        UsernamePasswordCredentials.TryParse(null, Secret, out _).Should().BeFalse();
    }

    [Test]
    public void TryParse_MissingPassword_Fails()
    {
        UsernamePasswordCredentials.TryParse("sensor1@DEFAULT_TENANT", null, out _).Should().BeFalse();
    }

    [Test]
    public void TryParse_NonAsciiPassword_IsDecodedAsUtf8()
    {
        UsernamePasswordCredentials.TryParse("sensor1@t", Encoding.UTF8.GetBytes("pässwörd€"), out var credentials)
            .Should().BeTrue();

        credentials!.Password.Should().Be("pässwörd€");
    }

    [Test]
    public void TryParse_PasswordWithColonAndAt_IsKeptVerbatim()
    {
        UsernamePasswordCredentials.TryParse("sensor1@t", Encoding.UTF8.GetBytes("a:b@c"), out var credentials)
            .Should().BeTrue();

        credentials!.Password.Should().Be("a:b@c");
    }

    // Base64 constants computed with
    // /usr/bin/python3 -c 'import base64; print(base64.b64encode("sensor1@DEFAULT_TENANT:hono-secret".encode()).decode())'
    [Test]
    public void TryParse_EmptyPasswordAndBase64UserName_DecodesUserNameAndPassword()
    {
        UsernamePasswordCredentials.TryParse("c2Vuc29yMUBERUZBVUxUX1RFTkFOVDpob25vLXNlY3JldA==", [], out var credentials)
            .Should().BeTrue();

        credentials.Should().Be(new UsernamePasswordCredentials("sensor1", "DEFAULT_TENANT", "hono-secret"));
    }

    [Test]
    public void TryParse_Base64FormWithSeveralColonsAndAts_SplitsAtFirstColonThenFirstAt()
    {
        // "sensor1@my@tenant:pa:ss"
        UsernamePasswordCredentials.TryParse("c2Vuc29yMUBteUB0ZW5hbnQ6cGE6c3M=", [], out var credentials).Should().BeTrue();

        credentials.Should().Be(new UsernamePasswordCredentials("sensor1", "my@tenant", "pa:ss"));
    }

    [Test]
    public void TryParse_Base64FormWithoutPadding_IsAccepted()
    {
        // Java's Base64 decoder does not require padding.
        UsernamePasswordCredentials.TryParse("c2Vuc29yMUBteUB0ZW5hbnQ6cGE6c3M", [], out var credentials).Should().BeTrue();

        credentials!.Password.Should().Be("pa:ss");
    }

    [Test]
    public void TryParse_Base64FormWithEmptyPassword_YieldsEmptyPassword()
    {
        // "dev@t:"
        UsernamePasswordCredentials.TryParse("ZGV2QHQ6", [], out var credentials).Should().BeTrue();

        credentials.Should().Be(new UsernamePasswordCredentials("dev", "t", string.Empty));
    }

    [TestCase("c2Vuc29yMUBERUZBVUxUX1RFTkFOVA==")] // "sensor1@DEFAULT_TENANT": no ':'
    [TestCase("c2Vuc29yMURFRkFVTFRfVEVOQU5UOnB3")] // "sensor1DEFAULT_TENANT:pw": no '@'
    [TestCase("sensor1@DEFAULT_TENANT")] // not base64
    [TestCase("c2Vuc29y MUBERUZBVUxUX1RFTkFOVDpwdw==")] // whitespace is not base64 for Java
    public void TryParse_EmptyPasswordAndNoValidBase64Form_Fails(string username)
    {
        UsernamePasswordCredentials.TryParse(username, [], out var credentials).Should().BeFalse();

        credentials.Should().BeNull();
    }

    [Test]
    public void ToString_DoesNotRevealPassword()
    {
        var credentials = new UsernamePasswordCredentials("sensor1", "DEFAULT_TENANT", "hono-secret");

        credentials.ToString().Should().Contain("sensor1").And.Contain("DEFAULT_TENANT").And.NotContain("hono-secret");
    }
}
