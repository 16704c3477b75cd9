using System.Collections.Concurrent;
using Amqp;
using Amqp.Sasl;
using FluentAssertions;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>
/// Pins AMQPNetLite 2.5.5 behaviour the client works around. If one of these starts failing after a library
/// upgrade, the workaround in <c>DownstreamSenderLink</c> may be obsolete: re-check it.
/// </summary>
[TestFixture]
public sealed class AmqpNetLiteCanaryTests : DownstreamTestBase
{
    [Test]
    public async Task CancelOfTheOldestTransferredDeliveryLosesTheOutcomesOfTheOthers()
    {
        Peer.Answer = PeerAnswer.Hold;
        var factory = new ConnectionFactory();
        factory.SASL.Profile = SaslProfile.Anonymous;
        var connection = await factory.CreateAsync(new Address("127.0.0.1", Peer.Port, null, null, "/", "amqp"),
            new CancellationTokenSource(Deadline).Token);
        try
        {
            var session = new Session(connection);
            var link = new SenderLink(session, "canary", "event/TENANT");
            var outcomes = new ConcurrentDictionary<string, string>();
            var messages = Enumerable.Range(0, 3).Select(i => NewMessage("event/TENANT", $"m-{i}")).ToList();
            foreach (var message in messages)
            {
                link.Send(message, (_, m, outcome, _) => outcomes[m.Properties.MessageId] = outcome.GetType().Name, null);
            }

            await Eventually.UntilAsync(() => Peer.HeldCount == 3, Deadline, "three deliveries held");
            messages.Should().AllSatisfy(m => m.DeliveryTag.Should().NotBeNull("all three were transferred"));

            link.Cancel(messages[0]);
            Peer.AnswerHeld(PeerAnswer.Accept).Should().Be(3);
            var control = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            link.Send(NewMessage("event/TENANT", "control"), (_, _, _, _) => control.TrySetResult(), null);
            await Eventually.UntilAsync(() => Peer.HeldCount == 1, Deadline, "control held");
            Peer.AnswerHeld(PeerAnswer.Accept);
            await control.Task.WaitAsync(Deadline);

            outcomes.Should().BeEmpty("2.5.5 drops m-1 and m-2 from the session's unsettled list when m-0 is cancelled");
        }
        finally
        {
            await connection.CloseAsync(TimeSpan.FromSeconds(2));
            await Task.Yield();
        }
    }
}
