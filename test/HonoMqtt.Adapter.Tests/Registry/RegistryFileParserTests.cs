using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Registry;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Registry;

public sealed class RegistryFileParserTests
{
    [Test]
    public void Parse_DemoRegistry_HasTheDocumentedDevices()
    {
        var snapshot = RegistryFileParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "demo-registry.json")));

        var sensor = snapshot.GetCredentials("DEFAULT_TENANT", "hashed-password", "sensor1")!;
        sensor.DeviceId.Should().Be("4711");
        var secret = sensor.Secrets.Single();
        PasswordVerifier.Matches(secret.HashFunction, secret.PwdHash!, secret.Salt, "hono-secret").Should().BeTrue();
        snapshot.GetCredentials("DEFAULT_TENANT", "hashed-password", "gw")!.DeviceId.Should().Be("gw-1");
        snapshot.AssertRegistration("DEFAULT_TENANT", "4712", "gw-1").Succeeded.Should().BeTrue();
    }

    [Test]
    public void Parse_PlainPassword_IsNotKept()
    {
        var snapshot = RegistryFileParser.Parse("""
            { "tenants": { "t": {} }, "devices": { "t": { "d": { "credentials": [
              { "type": "hashed-password", "auth-id": "a", "secrets": [ { "pwd-plain": "very-secret-value" } ] } ] } } } }
            """);

        var secret = snapshot.GetCredentials("t", "hashed-password", "a")!.Secrets.Single();
        secret.PwdHash.Should().NotContain("very-secret-value");
        secret.Salt.Should().NotBeNullOrEmpty();
        PasswordVerifier.Matches(secret.HashFunction, secret.PwdHash!, secret.Salt, "very-secret-value").Should().BeTrue();
    }

    [Test]
    public void Parse_ManyProblems_ReportsEachOne()
    {
        var act = () => RegistryFileParser.Parse("""
            { "tenants": { "t": { "enabled": "yes", "adapters": [] } },
              "devices": { "t": { "d": { "via": 5, "credentials": [ { "type": "hashed-password", "secrets": [ {} ] } ] } },
                           "unknown": {} } }
            """);

        act.Should().Throw<RegistryFormatException>().Which.Errors.Should().HaveCount(5);
    }

    [Test]
    public void Parse_DuplicateAuthIdInATenant_IsAnError()
    {
        var act = () => RegistryFileParser.Parse("""
            { "tenants": { "t": {} }, "devices": { "t": {
              "d1": { "credentials": [ { "type": "hashed-password", "auth-id": "a", "secrets": [ { "pwd-plain": "1" } ] } ] },
              "d2": { "credentials": [ { "type": "hashed-password", "auth-id": "a", "secrets": [ { "pwd-plain": "2" } ] } ] } } } }
            """);

        act.Should().Throw<RegistryFormatException>().Which.Errors.Should().ContainSingle().Which.Should().Contain("already used");
    }

    [Test]
    public void Parse_ValidityBounds_UseIsoOffsetFormatAndIgnoreOthers()
    {
        var snapshot = RegistryFileParser.Parse("""
            { "tenants": { "t": {} }, "devices": { "t": { "d": { "credentials": [ { "type": "hashed-password", "auth-id": "a", "secrets": [
              { "pwd-hash": "x", "not-before": "2024-01-01T10:00:00+01:00", "not-after": "2030-01-01T00:00:00+0100" } ] } ] } } } }
            """);

        var secret = snapshot.GetCredentials("t", "hashed-password", "a")!.Secrets.Single();
        secret.NotBefore.Should().Be(new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero));
        secret.NotAfter.Should().BeNull("an offset without colon does not parse in Hono and counts as absent");
    }

    [Test]
    public void AssertRegistration_GatewayRules_FollowHono()
    {
        var snapshot = RegistryFileParser.Parse("""
            { "tenants": { "t": {} }, "devices": { "t": {
              "gw": {}, "gw2": { "memberOf": ["group"] }, "off-gw": { "enabled": false },
              "dev": { "via": "gw" }, "grouped": { "viaGroups": ["group"] }, "alone": {}, "via-off": { "via": ["off-gw"] } } } }
            """);

        snapshot.AssertRegistration("t", "dev", "gw").Succeeded.Should().BeTrue();
        snapshot.AssertRegistration("t", "grouped", "gw2").AuthorizedGateways.Should().BeEquivalentTo(["gw2"]);
        snapshot.AssertRegistration("t", "alone", "gw").Error!.Value.Status.Should().Be(403);
        snapshot.AssertRegistration("t", "via-off", "off-gw").Error!.Value.Status.Should().Be(403);
        snapshot.AssertRegistration("t", "nobody", "gw").Error!.Value.Status.Should().Be(404);
        snapshot.AssertRegistration("other", "dev", null).Error!.Value.Status.Should().Be(404);
    }
}
