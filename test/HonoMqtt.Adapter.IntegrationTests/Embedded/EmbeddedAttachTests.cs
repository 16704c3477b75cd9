using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Downstream.Embedded;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

public sealed class EmbeddedAttachTests
{
    [Test]
    public async Task SendingApplicationIsRefusedWithNotAllowed()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();

        var error = await app.TryAttachSenderAsync("telemetry/DEFAULT_TENANT");

        error.Should().NotBeNull();
        ((string)error!.Condition).Should().Be(ErrorCode.NotAllowed);
        // The connection survives a refused attach: receivers still work.
        var receiver = await app.AttachReceiverAsync("telemetry/DEFAULT_TENANT");
        receiver.Start(1);
        await harness.WaitForCreditAsync("telemetry/DEFAULT_TENANT", 1);
    }

    [Test]
    public async Task SenderLinkHandlerCanTakeOverSendingApplications()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        var handler = new AcceptingSenderHandler();
        harness.Endpoint.SenderLinkHandler = handler;
        await using var app = await harness.ConnectAsync();

        (await app.TryAttachSenderAsync("command/DEFAULT_TENANT")).Should().BeNull();
        (await app.TryAttachSenderAsync("telemetry/DEFAULT_TENANT")).Should().NotBeNull();
        handler.Addresses.Should().Equal("command/DEFAULT_TENANT", "telemetry/DEFAULT_TENANT");
    }

    [Test]
    public async Task ReceiverWithoutSourceAddressIsRefused()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();

        var act = () => app.AttachReceiverAsync("");

        await act.Should().ThrowAsync<Exception>();
    }

    [Test]
    public async Task PlainCredentialsAreEnforcedWhenConfigured()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o =>
        {
            o.Username = "app";
            o.Password = "secret";
        });

        var anonymous = () => harness.ConnectAsync();
        var wrongPassword = () => harness.ConnectAsync("app", "wrong");
        await anonymous.Should().ThrowAsync<AmqpException>();
        await wrongPassword.Should().ThrowAsync<AmqpException>();

        await using var app = await harness.ConnectAsync("app", "secret");
        var receiver = await app.AttachReceiverAsync("telemetry/DEFAULT_TENANT");
        receiver.OnMessage = (link, message) => link.Accept(message);
        receiver.Start(1);
        await harness.WaitForCreditAsync("telemetry/DEFAULT_TENANT", 1);
        (await harness.SendAsync("telemetry/DEFAULT_TENANT", EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"))).Should().Be(SendOutcome.Accepted);
    }

    [Test]
    public async Task FixedPortIsUsedAsConfigured()
    {
        int port;
        await using (var probe = await EmbeddedHarness.StartAsync())
        {
            port = probe.Port;
        }

        await using var harness = await EmbeddedHarness.StartAsync(o => o.EmbeddedPort = port);

        harness.Port.Should().Be(port);
        await using var app = await harness.ConnectAsync();
        app.Connection.IsClosed.Should().BeFalse();
    }

    private sealed class AcceptingSenderHandler : IApplicationSenderLinkHandler
    {
        public List<string> Addresses { get; } = [];

        public bool TryAttach(AttachContext attachContext)
        {
            var address = ((Target)attachContext.Attach.Target).Address;
            lock (Addresses)
            {
                Addresses.Add(address);
            }

            if (!address.StartsWith("command/", StringComparison.Ordinal))
            {
                return false;
            }

            attachContext.Complete(new DiscardingEndpoint(), 10);
            return true;
        }
    }

    private sealed class DiscardingEndpoint : LinkEndpoint
    {
        public override void OnMessage(MessageContext messageContext) => messageContext.Complete();

        public override void OnFlow(FlowContext flowContext)
        {
        }

        public override void OnDisposition(DispositionContext dispositionContext)
        {
        }
    }
}
