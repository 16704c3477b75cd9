namespace HonoMqtt.Adapter.Commands;

/// <summary>The embedded endpoint: applications send to this instance directly, so there is nothing to open.</summary>
public sealed class LocalCommandConsumers : ICommandConsumers
{
    private static readonly ICommandConsumerLease NoLease = new Lease();

    public Task<ConsumerLeaseResult> AcquireAsync(CommandSubscription subscription, CancellationToken cancellationToken) =>
        Task.FromResult(new ConsumerLeaseResult(NoLease, null));

    private sealed class Lease : ICommandConsumerLease
    {
        public Task ReleaseAsync() => Task.CompletedTask;
    }
}
