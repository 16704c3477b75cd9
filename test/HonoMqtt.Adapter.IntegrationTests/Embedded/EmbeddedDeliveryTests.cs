using System.Diagnostics;
using Amqp.Framing;
using Amqp.Types;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

public sealed class EmbeddedDeliveryTests
{
    private const string Address = "telemetry/DEFAULT_TENANT";

    [Test]
    public async Task ReceiverGetsTheMessageWithAllPropertiesIntact()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.OnMessage = (link, message) => link.Accept(message);
        receiver.Start(10);
        await harness.WaitForCreditAsync(Address, 10);

        var sent = EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "4711", "hello world");
        var outcome = await harness.SendAsync(Address, sent);
        var received = await receiver.NextAsync();

        outcome.Should().Be(SendOutcome.Accepted);
        received.Header.Durable.Should().BeTrue();
        received.Header.Ttl.Should().Be(30_000u);
        received.Properties.MessageId.Should().Be(sent.Properties.MessageId);
        received.Properties.To.Should().Be(Address);
        ((string)received.Properties.ContentType).Should().Be("text/plain");
        received.Properties.CreationTime.Should().Be(sent.Properties.CreationTime);
        received.MessageAnnotations[new Symbol("tenant_id")].Should().Be("DEFAULT_TENANT");
        received.MessageAnnotations[new Symbol("device_id")].Should().Be("4711");
        received.MessageAnnotations[new Symbol("resource")].Should().Be("telemetry/DEFAULT_TENANT/4711");
        received.ApplicationProperties["device_id"].Should().BeOfType<string>().Which.Should().Be("4711");
        received.ApplicationProperties["qos"].Should().BeOfType<int>().Which.Should().Be(1);
        received.ApplicationProperties["orig_adapter"].Should().Be("hono-mqtt");
        received.ApplicationProperties["orig_address"].Should().Be("telemetry/DEFAULT_TENANT/4711");
        received.BodySection.Should().BeOfType<Data>().Which.Binary.Should().Equal("hello world"u8.ToArray());
    }

    [Test]
    public async Task ReceiversOnOneAddressShareTheMessages()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var first = await app.AttachReceiverAsync(Address);
        var second = await app.AttachReceiverAsync(Address);
        var other = await app.AttachReceiverAsync("telemetry/OTHER_TENANT");
        foreach (var receiver in new[] { first, second, other })
        {
            receiver.OnMessage = (link, message) => link.Accept(message);
            receiver.Start(20);
        }

        await harness.WaitForCreditAsync(Address, 40);

        for (var i = 0; i < 20; i++)
        {
            (await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "m" + i))).Should().Be(SendOutcome.Accepted);
        }

        // Round-robin among receivers with credit: each gets half; nothing goes to another address.
        first.ReceivedCount.Should().Be(10);
        second.ReceivedCount.Should().Be(10);
        other.ReceivedCount.Should().Be(0);
        var bodies = new List<string>();
        foreach (var receiver in new[] { first, second })
        {
            while (receiver.TryTake(out var message))
            {
                bodies.Add(System.Text.Encoding.UTF8.GetString((byte[])message!.Body));
            }
        }

        bodies.Should().BeEquivalentTo(Enumerable.Range(0, 20).Select(i => "m" + i));
    }

    [Test]
    public async Task ReceiverWithoutCreditIsSkippedInFavourOfOneWithCredit()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var starved = await app.AttachReceiverAsync(Address);
        starved.Start(0);
        var granting = await app.AttachReceiverAsync(Address);
        granting.OnMessage = (link, message) => link.Accept(message);
        granting.Start(5);
        await harness.WaitForCreditAsync(Address, 5);

        for (var i = 0; i < 4; i++)
        {
            (await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"))).Should().Be(SendOutcome.Accepted);
        }

        granting.ReceivedCount.Should().Be(4);
        starved.ReceivedCount.Should().Be(0);
    }

    [Test]
    public async Task WithoutAnyReceiverTheSendFailsAtOnceWithNoConsumer()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var elsewhere = await app.AttachReceiverAsync("event/DEFAULT_TENANT");
        elsewhere.Start(10);

        var task = harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));

        task.IsCompleted.Should().BeTrue();
        (await task).Error.Should().Be(HonoError.NoConsumer);
        (await task).Error!.Value.Message.Should().Be("no consumer available");
        (await task).Error!.Value.Status.Should().Be(503);
    }

    [Test]
    public async Task ReceiverWithZeroCreditMakesTheSendFailAtOnce()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(0);
        receiver.Link.SetCredit(0, Amqp.CreditMode.Manual); // an explicit flow with link-credit 0
        await EmbeddedHarness.WaitUntilAsync(() => harness.Endpoint.GetConsumerCount(Address) == 1, "the consumer");

        var stopwatch = Stopwatch.StartNew();
        var outcome = await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));

        outcome.Error.Should().Be(HonoError.NoConsumer);
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(500));
        receiver.ReceivedCount.Should().Be(0);
    }

    [Test]
    public async Task PreSettledReceiverGetsSettledTransfersCountedAsAccepted()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o => o.SendMessageTimeout = 30_000);
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address, SenderSettleMode.Settled);
        receiver.Start(10); // never disposes anything
        await harness.WaitForCreditAsync(Address, 10);

        var task = harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));

        task.IsCompleted.Should().BeTrue("a pre-settled transfer needs no disposition");
        (await task).Should().Be(SendOutcome.Accepted);
        (await receiver.NextAsync()).Properties.To.Should().Be(Address);
    }

    [Test]
    public async Task WithoutWaitingForTheOutcomeTheSendReturnsAtOnce()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o => o.SendMessageTimeout = 30_000);
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(10); // receives, never settles
        await harness.WaitForCreditAsync(Address, 10);

        var task = harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"), waitForOutcome: false);

        task.IsCompleted.Should().BeTrue();
        (await task).Should().Be(SendOutcome.Accepted);
        (await receiver.NextAsync()).Properties.To.Should().Be(Address);
    }

    [Test]
    public async Task StoppedEndpointIsNotReadyAndFailsSendsWithNoConsumer()
    {
        var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(10);
        await harness.WaitForCreditAsync(Address, 10);
        harness.Endpoint.IsReady.Should().BeTrue();
        harness.Endpoint.BoundPort.Should().BePositive();

        await harness.Endpoint.StopAsync(CancellationToken.None);

        harness.Endpoint.IsReady.Should().BeFalse();
        (await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"))).Error.Should().Be(HonoError.NoConsumer);
        await harness.DisposeAsync();
    }
}
