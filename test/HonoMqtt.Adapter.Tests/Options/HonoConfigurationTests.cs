using FluentAssertions;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Options;

public sealed class HonoConfigurationTests
{
    private static HonoConfiguration Bind(IDictionary<string, string?>? env = null, string[]? args = null, IDictionary<string, string?>? json = null)
    {
        var builder = new ConfigurationBuilder();
        if (json is not null)
        {
            builder.AddInMemoryCollection(json);
        }

        builder.Add(new HonoEnvironmentVariablesConfigurationSource(env ?? new Dictionary<string, string?>()));
        builder.AddCommandLine(args ?? []);
        var result = HonoConfiguration.Bind(builder.Build(), out var errors);
        errors.Should().BeEmpty();
        return result;
    }

    [Test]
    public void Bind_NoSettings_UsesEmbeddedDefaults()
    {
        var config = Bind();

        config.Mqtt.InsecurePortEnabled.Should().BeTrue();
        config.Mqtt.InsecurePort.Should().Be(1883);
        config.Mqtt.InsecurePortBindAddress.Should().Be("127.0.0.1");
        config.Mqtt.AuthenticationRequired.Should().BeTrue();
        config.Mqtt.MaxPayloadSize.Should().Be(2048);
        config.Messaging.UsesEmbeddedEndpoint.Should().BeTrue();
        config.Messaging.EmbeddedPort.Should().Be(5672);
        config.Registry.UsesDemoRegistry.Should().BeTrue();
        config.ConnectionEvents.ProducerType.Should().Be(ConnectionEventProducerType.Events);
    }

    [Test]
    public void Bind_HonoStyleEnvironmentVariable_SetsOption()
    {
        var config = Bind(env: new Dictionary<string, string?> { ["HONO_MQTT_INSECUREPORT"] = "1884", ["HONO_MESSAGING_HOST"] = "broker" });

        config.Mqtt.InsecurePort.Should().Be(1884);
        config.Messaging.Host.Should().Be("broker");
    }

    [Test]
    public void Bind_CommandLine_OverridesEnvironment()
    {
        var config = Bind(
            env: new Dictionary<string, string?> { ["HONO_MQTT_INSECUREPORT"] = "1884" },
            args: ["--hono:mqtt:insecurePort=1885"]);

        config.Mqtt.InsecurePort.Should().Be(1885);
    }

    [Test]
    public void Bind_DotNetStyleVariableName_IsNotReadAsHonoStyle()
    {
        var config = Bind(env: new Dictionary<string, string?> { ["hono__mqtt__insecurePort"] = "1999" });

        config.Mqtt.InsecurePort.Should().Be(1883, "the .NET form is read by the standard environment provider, not this one");
    }

    [Test]
    public void Bind_SeveralInvalidValues_ReportsEveryError()
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["hono:mqtt:insecurePort"] = "abc",
            ["hono:mqtt:maxPayloadSize"] = "100",
            ["hono:mqtt:noSuchOption"] = "1",
            ["hono:connectionEvents:producer"] = "kafka",
            ["hono:messaging:addressRewriteRule"] = "([ x",
        });

        HonoConfiguration.Bind(builder.Build(), out var errors);

        errors.Should().HaveCount(5);
        errors.Should().Contain(e => e.Contains("hono:mqtt:insecurePort"));
        errors.Should().Contain(e => e.Contains("maxPayloadSize must be greater than 128"));
        errors.Should().Contain(e => e.Contains("noSuchOption is not a known option"));
        errors.Should().Contain(e => e.Contains("hono:connectionEvents:producer"));
        errors.Should().Contain(e => e.Contains("addressRewriteRule is invalid"));
    }

    [Test]
    public void Bind_HealthCheckServer_DefaultsToHonosPortOnLoopbackAndReadsHonoStyleVariables()
    {
        Bind().App.HealthCheckPort.Should().Be(8088);
        Bind().App.HealthCheckBindAddress.Should().Be("127.0.0.1");

        var config = Bind(env: new Dictionary<string, string?>
        {
            ["HONO_APP_HEALTHCHECKPORT"] = "9090",
            ["HONO_APP_HEALTHCHECKBINDADDRESS"] = "0.0.0.0",
        });

        config.App.HealthCheckPort.Should().Be(9090);
        config.App.HealthCheckBindAddress.Should().Be("0.0.0.0");
    }

    [Test]
    public void Bind_InvalidHealthCheckOptions_ReportsEachOfThem()
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["hono:app:healthCheckPort"] = "70000",
            ["hono:app:healthCheckBindAddress"] = "localhost",
            ["hono:app:livenessTimeout"] = "0",
        });

        HonoConfiguration.Bind(builder.Build(), out var errors);

        errors.Should().HaveCount(3);
        errors.Should().Contain(e => e.Contains("hono:app:healthCheckPort"));
        errors.Should().Contain(e => e.Contains("hono:app:healthCheckBindAddress"));
        errors.Should().Contain(e => e.Contains("hono:app:livenessTimeout"));
    }
}
