using Amqp;
using Amqp.Framing;
using Amqp.Types;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Downstream.Embedded;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

/// <summary>An embedded endpoint on a free loopback port, plus helpers to wait for conditions and build messages.</summary>
internal sealed class EmbeddedHarness : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private EmbeddedHarness(EmbeddedAmqpEndpoint endpoint, MessagingOptions options)
    {
        Endpoint = endpoint;
        Options = options;
    }

    public EmbeddedAmqpEndpoint Endpoint { get; }

    public MessagingOptions Options { get; }

    public int Port => Endpoint.BoundPort;

    public static async Task<EmbeddedHarness> StartAsync(Action<MessagingOptions>? configure = null)
    {
        var options = new MessagingOptions { EmbeddedPort = 0, SendMessageTimeout = 5000 };
        configure?.Invoke(options);
        var endpoint = new EmbeddedAmqpEndpoint(options, NullLogger<EmbeddedAmqpEndpoint>.Instance, TimeProvider.System);
        await endpoint.StartAsync(CancellationToken.None);
        return new EmbeddedHarness(endpoint, options);
    }

    public Task<TestApplication> ConnectAsync(string? username = null, string? password = null) =>
        TestApplication.ConnectAsync(Port, username, password);

    public Task<SendOutcome> SendAsync(string address, Message message, bool waitForOutcome = true) =>
        Endpoint.SendAsync(address, message, waitForOutcome, CancellationToken.None);

    /// <summary>Waits until the receivers on <paramref name="address"/> have at least <paramref name="credit"/> in total.</summary>
    public Task WaitForCreditAsync(string address, int credit) =>
        WaitUntilAsync(() => Endpoint.GetCredit(address) >= credit, $"credit {credit} on {address}");

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after a deadline.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            try
            {
                await Task.Delay(5, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
        }
    }

    /// <summary>A telemetry message as the adapter builds it (downstream-amqp.md §3).</summary>
    public static Message HonoMessage(string tenant, string device, string body, int qos = 1)
    {
        var address = $"telemetry/{tenant}";
        return new Message
        {
            Header = new Header { Durable = true, Ttl = 30_000 },
            Properties = new Properties
            {
                MessageId = "msg-" + Guid.NewGuid().ToString("N"),
                To = address,
                ContentType = "text/plain",
                CreationTime = DateTime.UnixEpoch.AddMilliseconds(1_700_000_000_123),
            },
            MessageAnnotations = new MessageAnnotations
            {
                [new Symbol("tenant_id")] = tenant,
                [new Symbol("device_id")] = device,
                [new Symbol("resource")] = $"{address}/{device}",
            },
            ApplicationProperties = new ApplicationProperties
            {
                ["device_id"] = device,
                ["qos"] = qos,
                ["orig_adapter"] = "hono-mqtt",
                ["orig_address"] = $"telemetry/{tenant}/{device}",
            },
            BodySection = new Data { Binary = System.Text.Encoding.UTF8.GetBytes(body) },
        };
    }

    public async ValueTask DisposeAsync() => await Endpoint.DisposeAsync();
}
