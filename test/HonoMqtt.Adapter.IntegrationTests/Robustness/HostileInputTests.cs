using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Robustness;

/// <summary>Idle sockets and odd bytes: closed or refused as the spec says, never an error in the adapter's log.</summary>
public sealed class HostileInputTests
{
    private static readonly IDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["hono:connectionEvents:producer"] = "none",
        ["hono:mqtt:connectTimeout"] = "1000",
    };

    [Test]
    public async Task ASocketThatSendsNoConnectIsClosedAfterTheConnectTimeout()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), Settings);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);
        var watch = Stopwatch.StartNew();

        (await RawMqtt.ReadToEndAsync(tcp.GetStream(), TimeSpan.FromSeconds(10))).Should().BeTrue();

        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(800)).And.BeLessThan(TimeSpan.FromSeconds(5));
    }

    private static async Task<bool> ClosedAfterAsync(RunningAdapter adapter, byte[] packet, bool connectFirst = true)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);
        var stream = tcp.GetStream();
        if (connectFirst)
        {
            await stream.WriteAsync(RawMqtt.Connect("odd-" + Guid.NewGuid().ToString("N")[..6], TestRegistry.Username, TestRegistry.Password, 60));
            (await RawMqtt.ReadConnAckAsync(stream)).Should().Be(0);
        }

        await stream.WriteAsync(packet);
        return await RawMqtt.ReadToEndAsync(stream, TimeSpan.FromSeconds(10));
    }

    private static byte[] PublishWithRawTopic(byte[] topic, int qos = 1)
    {
        var body = new List<byte> { (byte)(topic.Length >> 8), (byte)topic.Length };
        body.AddRange(topic);
        if (qos > 0)
        {
            body.AddRange([0, 1]);
        }

        body.AddRange("x"u8.ToArray());
        return RawMqtt.Packet((byte)(0x30 | (qos << 1)), body);
    }

    [TestCase(new byte[] { 0x74, 0xC3, 0x28 }, TestName = "invalid UTF-8 in a publish topic")]
    [TestCase(new byte[] { 0x74, 0x00, 0x74 }, TestName = "NUL in a publish topic")]
    [TestCase(new byte[] { 0x74, 0x2F, 0x23 }, TestName = "# in a publish topic")]
    [TestCase(new byte[] { 0x74, 0x2F, 0x2B, 0x2F, 0x64 }, TestName = "+ in a publish topic")]
    [TestCase(new byte[] { }, TestName = "empty publish topic")]
    public async Task OddPublishTopicsCloseTheConnectionWithoutAnErrorLog(byte[] topic)
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), Settings);
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");

        (await ClosedAfterAsync(adapter, PublishWithRawTopic(topic))).Should().BeTrue();

        telemetry.TryTake(out var _).Should().BeFalse();
    }

    [Test]
    public async Task VeryLongClientIdsUsernamesAndPropertyBagsAreHandledAsUsual()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), Settings);
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        var longName = new string('u', 1500);

        var (refused, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, longName + "@t1", "x"));
        refused.Dispose();
        result.ResultCode.Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);

        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, clientId: new string('c', 1000));
        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/?" + string.Join('&', Enumerable.Range(0, 100).Select(i => $"k{i}=v{i}")))
            .WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        (await telemetry.NextAsync()).ApplicationProperties["device_id"].Should().Be(TestRegistry.Device);
    }

    [Test]
    public async Task AUsernameWithInvalidUtf8IsBadCredentials()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), Settings);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);
        var stream = tcp.GetStream();
        var connect = RawMqtt.Connect("bad-utf8", "a1@t1", "pw1", 60);
        var at = Array.IndexOf(connect, (byte)'@');
        connect[at - 1] = 0xC3;   // "a" followed by a lone lead byte: not UTF-8

        await stream.WriteAsync(connect);

        var code = await RawMqtt.ReadConnAckAsync(stream).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : -1);
        code.Should().BeOneOf([4, -1], "refused as bad credentials, or the connection closed as malformed");
    }
}
