using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Makes sure that commands for some devices reach this adapter instance while a subscription needs them: on the
/// embedded endpoint nothing is needed (applications send here); on an external network receiver links on the devices'
/// addresses (see docs/architecture.md, "Command routing").
/// </summary>
public interface ICommandConsumers
{
    /// <summary>
    /// Completes once the commands <paramref name="subscription"/> takes reach this instance (for a gateway's <c>+</c>
    /// subscription: those for the gateway and for every device it may act for), with a lease to give back when they
    /// need not any more; or with the failure, which fails the subscription.
    /// </summary>
    Task<ConsumerLeaseResult> AcquireAsync(CommandSubscription subscription, CancellationToken cancellationToken);
}

/// <summary>Either a lease or the reason there is none.</summary>
public readonly record struct ConsumerLeaseResult(ICommandConsumerLease? Lease, HonoError? Error)
{
    public static ConsumerLeaseResult Failed(HonoError error) => new(null, error);
}

/// <summary>Commands for a set of devices reach this instance until the lease is released.</summary>
public interface ICommandConsumerLease
{
    /// <summary>Gives the lease back; completes when the consumers it alone needed are closed (or a bound passed).</summary>
    Task ReleaseAsync();
}
