using System.Diagnostics;
using Amqp;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

public sealed class EmbeddedOutcomeTests
{
    private const string Address = "event/DEFAULT_TENANT";

    private static IEnumerable<TestCaseData> Dispositions()
    {
        yield return Case("accepted", (l, m) => l.Accept(m), null, null);
        yield return Case("rejected resource-limit-exceeded", (l, m) => l.Reject(m, new Error(ErrorCode.ResourceLimitExceeded)), 503, HonoError.ResourceLimitExceeded.Message);
        yield return Case("rejected unauthorized-access", (l, m) => l.Reject(m, new Error(ErrorCode.UnauthorizedAccess) { Description = "no" }), 403, "no");
        yield return Case("rejected internal-error", (l, m) => l.Reject(m, new Error(ErrorCode.InternalError)), 500, null);
        yield return Case("rejected other condition", (l, m) => l.Reject(m, new Error(ErrorCode.InvalidField) { Description = "bad" }), 400, "bad");
        yield return Case("rejected without error", (l, m) => l.Reject(m), 400, null);
        yield return Case("released", (l, m) => l.Release(m), 503, HonoError.NotProcessed.Message);
        yield return Case("modified undeliverable-here", (l, m) => l.Modify(m, deliveryFailed: true, undeliverableHere: true), 404, HonoError.Undeliverable.Message);
        yield return Case("modified", (l, m) => l.Modify(m, deliveryFailed: true), 503, HonoError.NotProcessed.Message);

        static TestCaseData Case(string name, Action<ReceiverLink, Message> dispose, int? status, string? text) =>
            new TestCaseData(dispose, status, text).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Dispositions))]
    public async Task DispositionMapsToHonosOutcome(Action<ReceiverLink, Message> dispose, int? status, string? text)
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.OnMessage = dispose;
        receiver.Start(5);
        await harness.WaitForCreditAsync(Address, 5);

        var outcome = await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));

        if (status is null)
        {
            outcome.Should().Be(SendOutcome.Accepted);
            return;
        }

        outcome.Error.Should().NotBeNull();
        outcome.Error!.Value.Status.Should().Be(status.Value);
        if (text is not null)
        {
            outcome.Error.Value.Message.Should().Be(text);
        }
    }

    [Test]
    public async Task ReceiverSettlingInModeSecondGetsSettledAndTheOutcomeCounts()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address, receiverSettleMode: ReceiverSettleMode.Second);
        receiver.OnMessage = (link, message) => link.Reject(message, new Error(ErrorCode.UnauthorizedAccess));
        receiver.Start(5);
        await harness.WaitForCreditAsync(Address, 5);

        var outcome = await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));

        outcome.Error!.Value.Status.Should().Be(403);
    }

    [Test]
    public async Task ReceiverThatNeverSettlesMakesTheSendTimeOut()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o => o.SendMessageTimeout = 300);
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(5);
        await harness.WaitForCreditAsync(Address, 5);

        var stopwatch = Stopwatch.StartNew();
        var outcome = await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));

        outcome.Error.Should().Be(HonoError.SendTimeout);
        stopwatch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(250)).And.BeLessThan(TimeSpan.FromSeconds(3));
        receiver.ReceivedCount.Should().Be(1);
    }

    [Test]
    public async Task ReceiverDetachingWithAPendingDeliveryFailsTheSend()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o => o.SendMessageTimeout = 30_000);
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(5);
        await harness.WaitForCreditAsync(Address, 5);

        var send = harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));
        await receiver.NextAsync();
        send.IsCompleted.Should().BeFalse();
        await receiver.Link.CloseAsync(TimeSpan.FromSeconds(5), null);

        (await send.WaitAsync(TimeSpan.FromSeconds(5))).Error.Should().Be(HonoError.NotProcessed);
        await EmbeddedHarness.WaitUntilAsync(() => harness.Endpoint.GetConsumerCount(Address) == 0, "the consumer to go");
        (await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"))).Error.Should().Be(HonoError.NoConsumer);
    }

    [Test]
    public async Task ConnectionDroppingWithAPendingDeliveryFailsTheSend()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o => o.SendMessageTimeout = 30_000);
        var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(5);
        await harness.WaitForCreditAsync(Address, 5);

        var send = harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));
        await receiver.NextAsync();
        await app.DisposeAsync();

        (await send.WaitAsync(TimeSpan.FromSeconds(5))).Error.Should().Be(HonoError.NotProcessed);
        await EmbeddedHarness.WaitUntilAsync(() => harness.Endpoint.GetConsumerCount(Address) == 0, "the consumer to go");
    }

    [Test]
    public async Task StoppingTheEndpointFailsPendingDeliveries()
    {
        var harness = await EmbeddedHarness.StartAsync(o => o.SendMessageTimeout = 30_000);
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(5);
        await harness.WaitForCreditAsync(Address, 5);

        var send = harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));
        await receiver.NextAsync();
        await harness.DisposeAsync();

        (await send.WaitAsync(TimeSpan.FromSeconds(5))).Error.Should().Be(HonoError.NotProcessed);
    }
}
