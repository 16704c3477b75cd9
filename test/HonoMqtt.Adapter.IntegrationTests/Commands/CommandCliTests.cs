using System.Text;
using FluentAssertions;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>The CLI's <c>command</c> verb against the embedded endpoint.</summary>
public sealed class CommandCliTests
{
    [Test]
    public async Task TheCliSendsAOneWayCommandAndPrintsItsOutcome()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);

        var result = await CommandCli.RunAsync(bed.Adapter.AmqpPort, "--tenant", "t1", "--device", "d1", "--name", "setBrightness", "--payload", "{\"level\":7}");
        var received = await inbox.NextAsync();

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("command 'setBrightness' for d1@t1 sent to command/t1: accepted");
        received.ApplicationMessage.Topic.Should().Be("command///req//setBrightness");
        Encoding.UTF8.GetString(received.ApplicationMessage.Payload).Should().Be("{\"level\":7}");
    }

    [Test]
    public async Task TheCliWaitsForTheResponseOfARequestAndPrintsIt()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        device.ApplicationMessageReceivedAsync += async e =>
        {
            var requestId = e.ApplicationMessage.Topic.Split('/')[4];
            await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"command///res/{requestId}/200/?content-type=text%2Fplain")
                .WithPayload("brightness is 7").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        };
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 0);

        var result = await CommandCli.RunAsync(bed.Adapter.AmqpPort, "--tenant", "t1", "--device", "d1", "--name", "getBrightness", "--request",
            "--reply-id", "cli-test");

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("sent to command/t1: accepted")
            .And.Contain("command_response/t1/cli-test\n")
            .And.Contain("  content-type: text/plain\n")
            .And.Contain("  property status: 200 (int)\n")
            .And.Contain("  property device_id: d1\n")
            .And.Contain("  body (15 bytes): brightness is 7\n");
    }

    [Test]
    public async Task TheCliExitsWith1WhenNoDeviceTakesTheCommand()
    {
        await using var bed = await CommandTestBed.StartAsync();

        var result = await CommandCli.RunAsync(bed.Adapter.AmqpPort, "--tenant", "t1", "--device", "e3", "--name", "x", "--per-device-address");

        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardOutput.Should().Contain("sent to command/t1/e3: released");
    }
}
