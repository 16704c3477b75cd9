using Amqp;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Downstream.Embedded;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

public sealed class EmbeddedCreditTests
{
    private const string Address = "telemetry/DEFAULT_TENANT";

    [Test]
    public void TheLibraryCreditFieldOurBookkeepingNeedsExists() =>
        ListenerLinkCredit.IsAvailable.Should().BeTrue("AMQPNetLite was upgraded: check ConsumerCredit against the new ListenerLink");

    [Test]
    public async Task DuplicateFlowNeitherLosesNorDoublesCredit()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o => o.SendMessageTimeout = 30_000);
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(0);
        receiver.Link.SetCredit(3, CreditMode.Manual);
        receiver.Link.SetCredit(0, CreditMode.Manual); // sends the same flow (delivery-count 0, link-credit 3) again
        // The endpoint handles a connection's frames in order: once it answered a later attach, it has seen both flows.
        await app.AttachReceiverAsync("telemetry/SOMETHING_ELSE");
        // AMQPNetLite's ListenerLink zeroes its credit on the duplicate; ours must stay at 3.
        harness.Endpoint.GetCredit(Address).Should().Be(3);

        var outcomes = new List<SendOutcome>();
        for (var i = 0; i < 4; i++)
        {
            outcomes.Add(await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x" + i), waitForOutcome: false));
        }

        outcomes.Take(3).Should().AllSatisfy(o => o.Should().Be(SendOutcome.Accepted));
        outcomes[3].Error.Should().Be(HonoError.NoConsumer);
        await EmbeddedHarness.WaitUntilAsync(() => receiver.ReceivedCount == 3, "3 deliveries");
        app.Connection.Error.Should().BeNull();
        receiver.Link.IsClosed.Should().BeFalse();
    }

    [Test]
    public async Task ConsumerAcceptingConcurrentlyNeverGetsMoreThanItsCredit()
    {
        const int credit = 5;
        const int messages = 2000;
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        var inFlight = 0;
        var maxInFlight = 0;
        receiver.OnMessage = (link, message) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            // Accept from pool threads, concurrently: this makes AMQPNetLite's receiver send duplicate flows.
            _ = Task.Run(() =>
            {
                Interlocked.Decrement(ref inFlight);
                link.Accept(message);
            });
        };
        Error? closedWith = null;
        app.Connection.AddClosedCallback((_, error) => closedWith = error ?? new Error(ErrorCode.ConnectionForced));
        receiver.Start(credit);
        await harness.WaitForCreditAsync(Address, credit);

        var accepted = 0;
        var noCredit = 0;
        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref accepted) < messages && closedWith is null)
            {
                var outcome = await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"));
                if (outcome.Succeeded)
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    outcome.Error.Should().Be(HonoError.NoConsumer);
                    Interlocked.Increment(ref noCredit);
                    await Task.Yield();
                }
            }
        }));
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(60));

        closedWith.Should().BeNull("the consumer closes the connection with amqp:link:transfer-limit-exceeded if we exceed its credit");
        maxInFlight.Should().BeLessThanOrEqualTo(credit);
        accepted.Should().BeGreaterThanOrEqualTo(messages);
        receiver.ReceivedCount.Should().Be(accepted);
        TestContext.Progress.WriteLine($"accepted {accepted}, no credit {noCredit}");
    }

    [Test]
    public async Task DrainUsesUpTheCredit()
    {
        await using var harness = await EmbeddedHarness.StartAsync();
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(0);
        receiver.Link.SetCredit(4, CreditMode.Manual);
        await harness.WaitForCreditAsync(Address, 4);

        receiver.Link.SetCredit(4, CreditMode.Drain);
        await EmbeddedHarness.WaitUntilAsync(() => harness.Endpoint.GetCredit(Address) == 0, "the drain");

        (await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"))).Error.Should().Be(HonoError.NoConsumer);
        app.Connection.Error.Should().BeNull();
    }

    [Test]
    public async Task UnsettledTransfersPerConsumerAreCapped()
    {
        await using var harness = await EmbeddedHarness.StartAsync(o =>
        {
            o.MaxUnsettledPerLink = 2;
            o.SendMessageTimeout = 30_000;
        });
        await using var app = await harness.ConnectAsync();
        var receiver = await app.AttachReceiverAsync(Address);
        receiver.Start(10); // never settles
        await harness.WaitForCreditAsync(Address, 10);

        var outcomes = new List<SendOutcome>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await harness.SendAsync(Address, EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "d", "x"), waitForOutcome: false));
        }

        outcomes.Select(o => o.Succeeded).Should().Equal(true, true, false);
        outcomes[2].Error.Should().Be(HonoError.NoConsumer);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
