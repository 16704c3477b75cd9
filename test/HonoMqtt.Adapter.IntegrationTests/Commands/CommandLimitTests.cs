using Amqp.Framing;
using FluentAssertions;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Bounds on commands handed to devices and not settled yet: beyond them commands are released at once.</summary>
public sealed class CommandLimitTests
{
    [Test]
    public async Task ADeviceWithTooManyUnacknowledgedCommandsGetsNoMoreUntilItAcknowledges()
    {
        await using var bed = await CommandTestBed.StartAsync(new Dictionary<string, string?>
        {
            ["hono:mqtt:maxPendingCommandsPerDevice"] = "2",
            ["hono:mqtt:sendMessageToDeviceTimeout"] = "0",
        });
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device, acknowledge: false);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);

        var first = bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "one"));
        var second = bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "two"));
        // The two sends race for the sender link's attach: which arrives first is open.
        var received = new[] { await inbox.NextAsync(), await inbox.NextAsync() }.OrderBy(r => r.ApplicationMessage.Topic.EndsWith("/one") ? 0 : 1).ToArray();
        var third = await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "three"));

        third.Should().BeOfType<Released>();
        first.IsCompleted.Should().BeFalse();
        second.IsCompleted.Should().BeFalse();
        await received[0].AcknowledgeAsync(CancellationToken.None);
        (await first).Should().BeOfType<Accepted>();

        var fourth = bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "four"));
        var delivered = await inbox.NextAsync();
        delivered.ApplicationMessage.Topic.Should().Be("command///req//four");
        await delivered.AcknowledgeAsync(CancellationToken.None);
        await received[1].AcknowledgeAsync(CancellationToken.None);
        (await fourth).Should().BeOfType<Accepted>();
        (await second).Should().BeOfType<Accepted>();
    }

    [Test]
    public async Task TheInstanceBoundCoversAllDevices()
    {
        await using var bed = await CommandTestBed.StartAsync(new Dictionary<string, string?>
        {
            ["hono:mqtt:maxPendingCommands"] = "2",
            ["hono:mqtt:sendMessageToDeviceTimeout"] = "0",
        });
        using var device = await bed.ConnectDeviceAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        var deviceInbox = new DeviceInbox(device, acknowledge: false);
        var gatewayInbox = new DeviceInbox(gateway, acknowledge: false);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);
        await CommandTestBed.SubscribeAsync(gateway, "command//+/req/#", 1);

        var toDevice = bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "one"));
        var toGateway = bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e1", "two"));
        var atDevice = await deviceInbox.NextAsync();
        var atGateway = await gatewayInbox.NextAsync();

        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "gw", "three"))).Should().BeOfType<Released>();
        await atDevice.AcknowledgeAsync(CancellationToken.None);
        await atGateway.AcknowledgeAsync(CancellationToken.None);
        (await toDevice).Should().BeOfType<Accepted>();
        (await toGateway).Should().BeOfType<Accepted>();
    }
}

/// <summary>The tenant's data volume covers command payloads too.</summary>
public sealed class CommandDataVolumeTests
{
    [Test]
    public async Task ACommandBeyondTheTenantsDataVolumeIsRejectedAsBadRequest()
    {
        var since = DateTimeOffset.UtcNow.AddDays(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var registry = CommandTestBed.Registry(tenantExtra: $$"""
            , "resource-limits": { "data-volume": { "effective-since": "{{since}}", "max-bytes": 10, "period": { "mode": "days", "no-of-days": 30 } } }
            """);
        await using var bed = await CommandTestBed.StartAsync(registry: registry);
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 0);

        var first = await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "set", "12345678"));
        var second = await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "set", "12345678"));

        first.Should().BeOfType<Amqp.Framing.Accepted>();
        (await inbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command///req//set");
        var rejected = second.Should().BeOfType<Amqp.Framing.Rejected>().Subject;
        rejected.Error.Condition.ToString().Should().Be("hono:bad-request");
        rejected.Error.Description.Should().Be("tenant's accumulated message data volume exceeds configured maximum value");
    }
}
