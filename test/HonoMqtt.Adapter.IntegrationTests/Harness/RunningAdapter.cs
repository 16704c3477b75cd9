using FluentAssertions;
using HonoMqtt.Adapter.Downstream.Embedded;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HonoMqtt.Adapter.IntegrationTests.Harness;

/// <summary>
/// The real adapter host, in-process, on free ports (MQTT and, unless an external network is configured, the embedded
/// AMQP endpoint), with its own registry file. Disposing it stops it like SIGTERM does and checks that it logged no error.
/// </summary>
public sealed class RunningAdapter : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ErrorLogSink _errors;

    private RunningAdapter(WebApplication app, ErrorLogSink errors, string registryPath)
    {
        _app = app;
        _errors = errors;
        RegistryPath = registryPath;
    }

    public string RegistryPath { get; }

    public int MqttPort => _app.Services.GetRequiredService<MqttAdapterServer>().InsecurePort;

    /// <summary>The TLS port (only with <c>hono:mqtt:keyPath</c> and <c>certPath</c>; set <c>hono:mqtt:port=0</c>).</summary>
    public int MqttTlsPort => _app.Services.GetRequiredService<MqttAdapterServer>().SecurePort;

    /// <summary>The health check server's port (<c>/liveness</c>, <c>/readiness</c>, <c>/started</c>, <c>/prometheus</c>).</summary>
    public int HealthPort => new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
        .Addresses.Single()).Port;

    /// <summary>The embedded endpoint's port (only without an external messaging network).</summary>
    public int AmqpPort => _app.Services.GetRequiredService<EmbeddedAmqpEndpoint>().BoundPort;

    public IServiceProvider Services => _app.Services;

    /// <summary>Tolerates logged errors (for tests that provoke them on purpose).</summary>
    public bool ExpectErrors { get; set; }

    /// <summary>How devices of a test reach this adapter (plain TCP unless started with a TLS transport).</summary>
    public Transport? Transport { get; private set; }

    /// <summary>Starts the adapter with the ports <paramref name="transport"/> needs (TLS: both ports are open).</summary>
    public static async Task<RunningAdapter> StartAsync(Transport transport, string registryJson, IDictionary<string, string?>? settings = null)
    {
        var adapter = await StartAsync(registryJson, transport.Settings(settings));
        adapter.Transport = transport;
        return adapter;
    }

    /// <summary>Client options for a device on this adapter's transport.</summary>
    public MQTTnet.MqttClientOptions DeviceOptions(string? username, string? password,
        MQTTnet.Formatter.MqttProtocolVersion version = MQTTnet.Formatter.MqttProtocolVersion.V311, string? clientId = null) =>
        Transport is { } transport ? transport.Options(this, username, password, version, clientId) : MqttTestClient.Options(MqttPort, username, password, version, clientId);

    /// <summary>Connects a device that must be accepted, on this adapter's transport.</summary>
    public async Task<MQTTnet.IMqttClient> ConnectDeviceAsync(string username, string password,
        MQTTnet.Formatter.MqttProtocolVersion version = MQTTnet.Formatter.MqttProtocolVersion.V311, string? clientId = null)
    {
        var (client, result) = await MqttTestClient.ConnectAsync(DeviceOptions(username, password, version, clientId));
        if (result.ResultCode != MQTTnet.MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"CONNECT refused: {result.ResultCode}");
        }

        return client;
    }

    public static async Task<RunningAdapter> StartAsync(string registryJson, IDictionary<string, string?>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("hono-mqtt-test-");
        var registryPath = Path.Combine(directory.FullName, "registry.json");
        await File.WriteAllTextAsync(registryPath, registryJson);

        var values = new Dictionary<string, string?>
        {
            ["hono:mqtt:insecurePort"] = "0",
            ["hono:messaging:embeddedPort"] = "0",
            ["hono:app:healthCheckPort"] = "0",
            ["hono:registry:path"] = registryPath,
            ["hono:registry:reloadInterval"] = "100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var hono = HonoConfiguration.Bind(configuration, out var errors);
        errors.Should().BeEmpty();
        var sink = new ErrorLogSink();
        var app = AdapterHost.Build(configuration, hono, logging: l => l.WriteTo.Sink(sink));
        await app.StartAsync();
        return new RunningAdapter(app, sink, registryPath);
    }

    /// <summary>
    /// Attaches a business application's receiver to the embedded endpoint and waits until the endpoint has its credit
    /// (the flow frame follows the attach), so that a test does not race the application's own start-up.
    /// </summary>
    public async Task<AmqpTestReceiver> AttachReceiverAsync(string source, int credit = 100)
    {
        var receiver = await AmqpTestReceiver.AttachAsync(AmqpPort, source, credit);
        var endpoint = _app.Services.GetRequiredService<EmbeddedAmqpEndpoint>();
        await Poll.UntilAsync(() => endpoint.GetCredit(source) > 0, $"the embedded endpoint has credit on {source}");
        return receiver;
    }

    /// <summary>Replaces the registry file and waits until the adapter has loaded it.</summary>
    public async Task UpdateRegistryAsync(string registryJson)
    {
        var registry = _app.Services.GetRequiredService<FileDeviceRegistry>();
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded(RegistrySnapshot _) => loaded.TrySetResult();
        registry.Reloaded += OnReloaded;
        try
        {
            await File.WriteAllTextAsync(RegistryPath, registryJson);
            await loaded.Task.WaitAsync(TimeSpan.FromSeconds(2));
        }
        finally
        {
            registry.Reloaded -= OnReloaded;
        }
    }

    /// <summary>GETs a path of the health check server; returns the status code and the body.</summary>
    public async Task<(int Status, string Body)> GetHealthAsync(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HealthPort}{path}"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Stops the adapter as on SIGTERM.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!ExpectErrors)
        {
            _errors.Errors.Should().BeEmpty("the adapter must not log errors");
        }
    }
}
