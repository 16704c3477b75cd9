using System.Text;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Command &amp; control with devices that are not MQTTnet: Eclipse Paho and mosquitto's clients.</summary>
public sealed class ThirdPartyDeviceTests
{
    [TestCase("c///q/#", 1)]
    [TestCase("command/t1//req/#", 0)]
    public async Task APahoDeviceGetsOneWayAndRequestResponseCommandsAndAnswers(string filter, int qos)
    {
        await using var bed = await CommandTestBed.StartAsync();
        var (paho, granted) = await PahoDevice.StartAsync(bed.Adapter.MqttPort, "a1@t1", "pw1", filter, qos);
        await using var _ = paho;
        var responses = await bed.Application.ReceiveResponsesAsync("t1", "paho-app");

        granted.Should().Be(qos);
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "blink", "once"))).Should().BeOfType<Accepted>();
        var oneWay = await paho.WaitForLineAsync("COMMAND ", l => l.Contains("/blink", StringComparison.Ordinal));
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "ping", "hi", replyId: "paho-app", correlationId: "p-1")))
            .Should().BeOfType<Accepted>();
        var response = await responses.NextAsync();

        var prefix = filter[..filter.IndexOf("/#", StringComparison.Ordinal)];
        oneWay.Should().Be($"COMMAND {prefix}//blink {qos} once");
        response.Properties.CorrelationId.Should().Be("p-1");
        response.ApplicationProperties["status"].Should().Be(200);
        response.ApplicationProperties["device_id"].Should().Be("d1");
        Encoding.UTF8.GetString(((Data)response.BodySection).Binary).Should().Be("pong:hi");
        await paho.WaitForLineAsync("PUBACK ");
    }

    [Test]
    public async Task PahoGetsTheFailureCodeForAFilterTheSpecDoesNotAllow()
    {
        await using var bed = await CommandTestBed.StartAsync();
        var (paho, granted) = await PahoDevice.StartAsync(bed.Adapter.MqttPort, "a1@t1", "pw1", "command/+/+/req/#", 1);
        await using var _ = paho;

        granted.Should().Be(128);
    }

    [Test]
    public async Task MosquittoSubSeesTheCommandAndMosquittoPubAnswersIt()
    {
        // The README's walk-through, with the adapter's embedded endpoint.
        await using var bed = await CommandTestBed.StartAsync();
        var options = new MosquittoOptions { Port = bed.Adapter.MqttPort, Topic = "command///req/#", Qos = 1, Username = "a1@t1", Password = "pw1" };
        await using var subscription = await MosquittoClients.SubscribeAsync(options);
        var responses = await bed.Application.ReceiveResponsesAsync("t1", "cli");

        subscription.GrantedQos.Should().Equal(1);
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "setBrightness", "{\"level\":7}", replyId: "cli", correlationId: "m-1")))
            .Should().BeOfType<Accepted>();
        var line = await subscription.NextLineAsync(TimeSpan.FromSeconds(10));
        var topic = line.Split(' ')[0];
        var requestId = topic.Split('/')[4];
        var published = await MosquittoClients.PublishAsync(options with { Topic = $"command///res/{requestId}/200", ClientId = null }, "done");
        var response = await responses.NextAsync();

        line.Should().Be($"command///req/{requestId}/setBrightness {{\"level\":7}}");
        published.ExitCode.Should().Be(0, published.ToString());
        response.Properties.CorrelationId.Should().Be("m-1");
        Encoding.UTF8.GetString(((Data)response.BodySection).Binary).Should().Be("done");
    }
}
