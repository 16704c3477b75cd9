using System.Text;
using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Downstream.Amqp;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Brokers;

/// <summary>Settings, registries and device actions shared by the end-to-end tests against external AMQP networks.</summary>
internal static class BrokerScenario
{
    public const string NotificationType = "application/vnd.eclipse-hono-dc-notification+json";

    /// <summary>How long a test waits for anything it expects to happen (a message, a disconnect, a reconnect).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The <c>hono:messaging</c> settings for an external network at 127.0.0.1:<paramref name="port"/>, with a quick
    /// reconnect (≤ 300 ms between attempts) so that tests do not wait for Hono's default 7 s back-off.
    /// </summary>
    public static Dictionary<string, string?> Messaging(int port, string producer = "events", int sendMessageTimeout = 1000,
        string? username = null, string? password = null, string? addressRewriteRule = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["hono:messaging:host"] = "127.0.0.1",
            ["hono:messaging:port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["hono:messaging:sendMessageTimeout"] = sendMessageTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["hono:messaging:connectTimeout"] = "3000",
            ["hono:messaging:linkEstablishmentTimeout"] = "3000",
            ["hono:messaging:reconnectMinDelay"] = "0",
            ["hono:messaging:reconnectDelayIncrement"] = "50",
            ["hono:messaging:reconnectMaxDelay"] = "300",
            ["hono:connectionEvents:producer"] = producer,
        };
        if (username is not null)
        {
            settings["hono:messaging:username"] = username;
            settings["hono:messaging:password"] = password;
        }

        if (addressRewriteRule is not null)
        {
            settings["hono:messaging:addressRewriteRule"] = addressRewriteRule;
        }

        return settings;
    }

    /// <summary>Tenant <paramref name="tenant"/> with devices <c>d1..dN</c>, auth-ids <c>a1..aN</c>, passwords <c>pw1..pwN</c>.</summary>
    public static string Registry(string tenant, int devices = 1) => Registry((tenant, devices));

    /// <summary>Several tenants, each with devices <c>d1..dN</c> as in <see cref="Registry(string, int)"/>.</summary>
    public static string Registry(params (string Tenant, int Devices)[] tenants)
    {
        static string Devices(int count) => string.Join(",\n", Enumerable.Range(1, count).Select(i => $$"""
            "d{{i}}": { "enabled": true, "credentials": [ { "type": "hashed-password", "auth-id": "a{{i}}", "secrets": [ { "pwd-plain": "pw{{i}}" } ] } ] }
            """));
        return $$"""
            {
              "tenants": { {{string.Join(", ", tenants.Select(t => $$"""  "{{t.Tenant}}": { "enabled": true }"""))}} },
              "devices": { {{string.Join(",\n", tenants.Select(t => $$"""  "{{t.Tenant}}": { {{Devices(t.Devices)}} }"""))}} }
            }
            """;
    }

    public static string Username(int device, string tenant) => $"a{device}@{tenant}";

    public static string Password(int device) => $"pw{device}";

    public static Task<IMqttClient> ConnectDeviceAsync(RunningAdapter adapter, string tenant, int device = 1, string? clientId = null) =>
        MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, Username(device, tenant), Password(device), clientId: clientId);

    public static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload, MqttQualityOfServiceLevel qos,
        CancellationToken cancellationToken = default) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).Build(),
            cancellationToken);

    /// <summary>The adapter's client for the external network (to wait for its connection, as a readiness probe would).</summary>
    public static AmqpMessagingClient MessagingClient(RunningAdapter adapter) => adapter.Services.GetRequiredService<AmqpMessagingClient>();

    public static Task UntilConnectedAsync(RunningAdapter adapter, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => MessagingClient(adapter).IsReady, "the adapter is connected to the AMQP network", timeout ?? Deadline);

    public static string BodyText(Message message) => Encoding.UTF8.GetString(((Data)message.BodySection).Binary);

    /// <summary>
    /// Asserts that the device's connection ends and that <paramref name="publish"/> was not acknowledged (it fails);
    /// returns the publish's exception for diagnostics.
    /// </summary>
    public static async Task<Exception> ExpectNoPubAckAndClosedConnectionAsync(Task publish, Task disconnected, string because)
    {
        try
        {
            await disconnected.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new AssertionException($"the device's connection was not closed within {Deadline.TotalSeconds} s: {because}");
        }

        try
        {
            await publish.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new AssertionException($"the publish neither completed nor failed after the disconnect: {because}");
        }
        catch (Exception e)
        {
            return e;
        }

        throw new AssertionException($"the device got a PUBACK: {because}");
    }
}
