using Amqp;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>Every disposition row of downstream-amqp.md §3.1 against the scripted peer.</summary>
[TestFixture]
public sealed class AmqpMessagingClientOutcomeTests : DownstreamTestBase
{
    public static IEnumerable<TestCaseData> Outcomes()
    {
        yield return Case("resource-limit", PeerAnswer.Reject(ErrorCode.ResourceLimitExceeded, "queue full"), HonoError.ResourceLimitExceeded);
        yield return Case("unauthorized", PeerAnswer.Reject(ErrorCode.UnauthorizedAccess, "not yours"), new HonoError(403, "not yours"));
        yield return Case("unauthorized-no-description", PeerAnswer.Reject(ErrorCode.UnauthorizedAccess), new HonoError(403, "Forbidden"));
        yield return Case("internal-error", PeerAnswer.Reject(ErrorCode.InternalError), HonoError.InternalError);
        yield return Case("invalid-field", PeerAnswer.Reject(ErrorCode.InvalidField, "bad field"), HonoError.BadRequest("bad field"));
        yield return Case("unknown-condition", PeerAnswer.Reject("x-vendor:whatever"), HonoError.BadRequest("Bad Request"));
        yield return Case("rejected-without-error", PeerAnswer.RejectWithoutError, HonoError.BadRequest("Bad Request"));
        yield return Case("released", PeerAnswer.Release, HonoError.NotProcessed);
        yield return Case("modified-undeliverable-here", PeerAnswer.Modify(undeliverableHere: true), HonoError.Undeliverable);
        yield return Case("modified", PeerAnswer.Modify(undeliverableHere: false), HonoError.NotProcessed);

        static TestCaseData Case(string name, PeerAnswer answer, HonoError expected) =>
            new TestCaseData(answer, expected).SetName($"Outcome_{name}");
    }

    [Test]
    public async Task AcceptedIsSuccessAndTheMessageArrivesUnchanged()
    {
        var client = await StartClientAsync();

        var outcome = await SendAsync(client, "telemetry/TENANT", "m-1");

        outcome.Should().Be(SendOutcome.Accepted);
        Peer.Received.Should().ContainSingle();
        var received = Peer.Received.Single();
        received.Target.Should().Be("telemetry/TENANT");
        received.MessageId.Should().Be("m-1");
        received.Message.Properties.To.Should().Be("telemetry/TENANT");
        Peer.ContainerIds.Should().Equal("hono-mqtt-test");
        client.InFlightCount.Should().Be(0);
    }

    [TestCaseSource(nameof(Outcomes))]
    public async Task OutcomeIsMappedLikeHonoAndTheLinkKeepsWorking(PeerAnswer answer, HonoError expected)
    {
        var client = await StartClientAsync();
        Peer.Answer = answer;

        var outcome = await SendAsync(client, "event/TENANT", "m-1");

        outcome.Error.Should().Be(expected);
        Peer.Answer = PeerAnswer.Accept;
        (await SendAsync(client, "event/TENANT", "m-2")).Should().Be(SendOutcome.Accepted);
        Peer.AttachTargets.Should().Equal("event/TENANT");
        client.InFlightCount.Should().Be(0);
    }

    [Test]
    public async Task FailedOutcomesOfUnwaitedSendsOnlyFreeTheirSlot()
    {
        var client = await StartClientAsync(o => o.MaxUnsettledPerLink = 2);
        Peer.Answer = PeerAnswer.Reject(ErrorCode.InternalError);

        for (var i = 0; i < 10; i++)
        {
            (await SendAsync(client, "telemetry/TENANT", $"m-{i}", waitForOutcome: false)).Should().Be(SendOutcome.Accepted);
            await Eventually.UntilAsync(() => client.InFlightCount == 0, Deadline, "slot freed by the rejected outcome");
        }

        Peer.Received.Should().HaveCount(10);
        client.NoCreditCount.Should().Be(0);
    }
}
