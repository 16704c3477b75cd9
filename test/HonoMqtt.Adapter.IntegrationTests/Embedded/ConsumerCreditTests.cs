using FluentAssertions;
using HonoMqtt.Adapter.Downstream.Embedded;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

/// <summary>
/// <see cref="ConsumerCredit"/> against a model of AMQPNetLite 2.5.5's <c>ListenerLink</c> credit handling, including
/// the interleavings a real connection produces only rarely: sends between the library's flow processing and ours,
/// duplicate flows, credit reductions and serial-number wrap-around.
/// </summary>
public sealed class ConsumerCreditTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void CreditAlwaysMatchesThePeersLimit(int seed)
    {
        var random = new Random(seed);
        var link = new LibraryModel(initialDeliveryCount: uint.MaxValue - 50); // wraps during the run
        var ours = new ConsumerCredit();
        var peerLimit = link.DeliveryCount;

        for (var step = 0; step < 20_000; step++)
        {
            switch (random.Next(4))
            {
                case 0: // the peer grants more, repeats its last flow, or reduces its credit
                    peerLimit = random.Next(3) switch
                    {
                        0 => unchecked(link.DeliveryCount + (uint)random.Next(1, 20)),
                        1 => peerLimit,
                        _ => unchecked(link.DeliveryCount + (uint)random.Next(0, 3)),
                    };
                    var delta = link.OnFlow(peerLimit);
                    // Sends that slip in between the library's flow processing and ours.
                    var racing = random.Next(3) == 0 ? random.Next(0, 3) : 0;
                    for (var i = 0; i < racing && ours.TryTake(); i++)
                    {
                        link.Send();
                    }

                    ours.OnFlow(delta, delta > 0 ? 0 : link.Credit);
                    ours.Available.Should().Be(unchecked((int)(peerLimit - link.DeliveryCount)), $"step {step}");
                    break;
                default:
                    if (ours.TryTake())
                    {
                        link.Send();
                    }

                    ours.Available.Should().Be(unchecked((int)(peerLimit - link.DeliveryCount)), $"step {step}");
                    break;
            }

            ours.Available.Should().BeGreaterThanOrEqualTo(-3, "only racing sends can overshoot a reduced limit");
        }
    }

    [Test]
    public void DuplicateFlowKeepsTheCreditTheLibraryZeroes()
    {
        var link = new LibraryModel(0);
        var ours = new ConsumerCredit();

        ours.OnFlow(link.OnFlow(3), link.Credit);
        var duplicate = link.OnFlow(3);
        ours.OnFlow(duplicate, link.Credit);

        duplicate.Should().Be(0);
        link.Credit.Should().Be(0u, "this is the library bug");
        ours.Available.Should().Be(3);
    }

    /// <summary>The credit arithmetic of AMQPNetLite 2.5.5's <c>ListenerLink</c> (OnFlow and SendMessageInternal).</summary>
    private sealed class LibraryModel(uint initialDeliveryCount)
    {
        public uint DeliveryCount { get; private set; } = initialDeliveryCount;

        public uint Credit { get; private set; }

        public int OnFlow(uint peerLimit)
        {
            var delta = unchecked((int)(peerLimit - (DeliveryCount + Credit)));
            Credit = delta <= 0 ? 0 : unchecked(Credit + (uint)delta);
            return delta;
        }

        public void Send()
        {
            unchecked
            {
                DeliveryCount++;
                Credit--;
            }
        }
    }
}
