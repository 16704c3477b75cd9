using System.Diagnostics;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>Credit, in-flight bound, timeouts, QoS 0 and concurrency.</summary>
[TestFixture]
public sealed class AmqpMessagingClientFlowTests : DownstreamTestBase
{
    [Test]
    public async Task NoOutcomeWithinSendMessageTimeoutIs503AndFreesTheSlot()
    {
        var client = await StartClientAsync(o => o.SendMessageTimeout = 300);
        Peer.Answer = PeerAnswer.Hold;

        var watch = Stopwatch.StartNew();
        var outcome = await SendAsync(client, "event/TENANT", "m-1");

        outcome.Error.Should().Be(HonoError.SendTimeout);
        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(250)).And.BeLessThan(TimeSpan.FromSeconds(3));
        client.TimeoutCount.Should().Be(1);
        client.InFlightCount.Should().Be(0);

        // a late answer is ignored; the link keeps working
        Peer.AnswerHeld(PeerAnswer.Accept).Should().Be(1);
        Peer.Answer = PeerAnswer.Accept;
        (await SendAsync(client, "event/TENANT", "m-2")).Should().Be(SendOutcome.Accepted);
    }

    [Test]
    public async Task TimedOutDeliveryWaitingForCreditIsCancelled()
    {
        Peer.InitialCredit = 0;
        var client = await StartClientAsync(o => o.SendMessageTimeout = 300);

        (await SendAsync(client, "event/TENANT", "cancelled")).Error.Should().Be(HonoError.SendTimeout);

        Peer.GrantCredit(10);
        (await SendAsync(client, "event/TENANT", "after-credit")).Should().Be(SendOutcome.Accepted);
        Peer.Received.Select(r => r.MessageId).Should().Equal("after-credit");
    }

    [Test]
    public async Task WithoutCreditSendsFailFastOnceMaxUnsettledAreInFlight()
    {
        Peer.InitialCredit = 0;
        var client = await StartClientAsync(o =>
        {
            o.MaxUnsettledPerLink = 3;
            o.SendMessageTimeout = 10_000;
        });

        for (var i = 0; i < 3; i++)
        {
            (await SendAsync(client, "telemetry/TENANT", $"queued-{i}", waitForOutcome: false)).Should().Be(SendOutcome.Accepted);
        }

        var watch = Stopwatch.StartNew();
        (await SendAsync(client, "telemetry/TENANT", "qos0", waitForOutcome: false)).Error.Should().Be(HonoError.NoConsumer);
        (await SendAsync(client, "telemetry/TENANT", "qos1")).Error.Should().Be(HonoError.NoConsumer);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1), "the bound fails at once, long before sendMessageTimeout");

        client.NoCreditCount.Should().Be(2);
        client.InFlightCount.Should().Be(3);
        Log.Lines.Count(l => l.Level == LogLevel.Warning && l.Line.Contains("no consumer available")).Should().Be(1);

        // another address has its own link and bound
        (await SendAsync(client, "telemetry/OTHER", "other", waitForOutcome: false)).Should().Be(SendOutcome.Accepted);

        Peer.GrantCredit(100);
        await Eventually.UntilAsync(() => client.InFlightCount == 0, Deadline, "queued deliveries accepted once credit arrives");
        Peer.Received.Select(r => r.MessageId).Should().BeEquivalentTo("queued-0", "queued-1", "queued-2", "other");
    }

    [Test]
    public async Task UnwaitedDeliveriesWithoutOutcomeFreeTheirSlotAfterTheTimeout()
    {
        Peer.InitialCredit = 0;
        var client = await StartClientAsync(o =>
        {
            o.MaxUnsettledPerLink = 2;
            o.SendMessageTimeout = 300;
        });

        (await SendAsync(client, "telemetry/TENANT", "q-1", waitForOutcome: false)).Should().Be(SendOutcome.Accepted);
        (await SendAsync(client, "telemetry/TENANT", "q-2", waitForOutcome: false)).Should().Be(SendOutcome.Accepted);
        (await SendAsync(client, "telemetry/TENANT", "q-3", waitForOutcome: false)).Error.Should().Be(HonoError.NoConsumer);

        await Eventually.UntilAsync(() => client.InFlightCount == 0, Deadline, "slots of silent deliveries freed");
        client.TimeoutCount.Should().Be(2);

        // they were cancelled, not merely forgotten: credit now does not bring them to the peer
        Peer.GrantCredit(10);
        (await SendAsync(client, "telemetry/TENANT", "final")).Should().Be(SendOutcome.Accepted);
        Peer.Received.Select(r => r.MessageId).Should().Equal("final");
    }

    [Test]
    public async Task Qos0ReturnsWithoutWaitingForTheOutcome()
    {
        var client = await StartClientAsync(o => o.SendMessageTimeout = 10_000);
        (await SendAsync(client, "telemetry/TENANT", "warm-up")).Should().Be(SendOutcome.Accepted);
        Peer.Answer = PeerAnswer.Hold;

        var watch = Stopwatch.StartNew();
        var outcome = await SendAsync(client, "telemetry/TENANT", "qos0", waitForOutcome: false);

        outcome.Should().Be(SendOutcome.Accepted);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        client.InFlightCount.Should().Be(1);
        await Eventually.UntilAsync(() => Peer.HeldCount == 1, Deadline, "QoS 0 message reached the peer");
        Peer.AnswerHeld(PeerAnswer.Accept);
        await Eventually.UntilAsync(() => client.InFlightCount == 0, Deadline, "slot freed by the outcome");
    }

    [Test]
    public async Task ATimeoutDoesNotLoseTheOutcomesOfOtherDeliveries()
    {
        // Regression for AMQPNetLite 2.5.5: SenderLink.Cancel on a transferred delivery truncates the session's
        // unsettled list, so the peer's later "accepted" for the other deliveries would never be reported.
        var time = new ManualTimeProvider();
        var client = await StartClientAsync(Peer, o => o.SendMessageTimeout = 1000, timeProvider: time);
        (await SendAsync(client, "event/TENANT", "warm-up")).Should().Be(SendOutcome.Accepted);
        Peer.Answer = PeerAnswer.Hold;

        var first = SendAsync(client, "event/TENANT", "first");
        await Eventually.UntilAsync(() => Peer.HeldCount == 1, Deadline, "first held");
        time.Advance(TimeSpan.FromMilliseconds(500));
        var second = SendAsync(client, "telemetry/TENANT", "second");
        var third = SendAsync(client, "event/TENANT", "third");
        await Eventually.UntilAsync(() => Peer.HeldCount == 3, Deadline, "second and third held");

        time.Advance(TimeSpan.FromMilliseconds(500));
        (await first.WaitAsync(Deadline)).Error.Should().Be(HonoError.SendTimeout);

        Peer.AnswerHeld(PeerAnswer.Accept).Should().Be(3);
        (await second.WaitAsync(Deadline)).Should().Be(SendOutcome.Accepted);
        (await third.WaitAsync(Deadline)).Should().Be(SendOutcome.Accepted);
        client.InFlightCount.Should().Be(0);
    }

    [Test]
    public async Task ALinkWhosePeerKeepsDeliveriesUnsettledIsRecycled()
    {
        var client = await StartClientAsync(o =>
        {
            o.MaxUnsettledPerLink = 2;
            o.SendMessageTimeout = 300;
        });
        Peer.Answer = PeerAnswer.Hold;

        var outcomes = await Task.WhenAll(SendAsync(client, "event/TENANT", "a"), SendAsync(client, "event/TENANT", "b"));

        outcomes.Select(o => o.Error).Should().AllBeEquivalentTo(HonoError.SendTimeout);
        await Eventually.UntilAsync(() => Peer.OpenLinkCount == 0, Deadline, "silent link detached by the client");
        Peer.Answer = PeerAnswer.Accept;
        (await SendAsync(client, "event/TENANT", "c")).Should().Be(SendOutcome.Accepted);
        Peer.AttachTargets.Should().Equal("event/TENANT", "event/TENANT");
    }

    [Test]
    public async Task ConcurrentFirstUsesOfAnAddressShareOneAttach()
    {
        var client = await StartClientAsync();

        var sends = Enumerable.Range(0, 50).Select(i => Task.Run(() => SendAsync(client, "event/TENANT", $"m-{i}")));
        var outcomes = await Task.WhenAll(sends);

        outcomes.Should().AllSatisfy(o => o.Should().Be(SendOutcome.Accepted));
        Peer.AttachTargets.Should().Equal("event/TENANT");
    }

    [Test]
    public async Task ManyTasksSendConcurrentlyOverSeveralLinks()
    {
        var client = await StartClientAsync();
        const int tasks = 8;
        const int perTask = 250;

        var workers = Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var failures = 0;
            for (var i = 0; i < perTask; i++)
            {
                var outcome = await SendAsync(client, $"telemetry/T{t % 4}", $"{t}-{i}", waitForOutcome: i % 2 == 0);
                failures += outcome.Succeeded ? 0 : 1;
            }

            return failures;
        }));

        (await Task.WhenAll(workers)).Sum().Should().Be(0);
        await Eventually.UntilAsync(() => Peer.Received.Count == tasks * perTask, Deadline, "all messages received");
        await Eventually.UntilAsync(() => client.InFlightCount == 0, Deadline, "all outcomes received");
        Peer.AttachTargets.Should().BeEquivalentTo("telemetry/T0", "telemetry/T1", "telemetry/T2", "telemetry/T3");
        Peer.Received.Select(r => r.MessageId).Distinct().Should().HaveCount(tasks * perTask);
    }
}
