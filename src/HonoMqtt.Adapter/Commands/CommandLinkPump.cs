using System.Threading.Channels;
using Amqp;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// The commands of one AMQP link, handled one after the other up to the point where they are handed to the device's
/// session (so the device gets them in the link's order), settled whenever their device answers. Messages are posted
/// from the connection's I/O pump, which never waits here.
/// </summary>
public sealed class CommandLinkPump
{
    private readonly Channel<(Message Message, CommandSettlement Settlement)> _queue =
        Channel.CreateUnbounded<(Message, CommandSettlement)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly string _tenantId;
    private readonly string? _defaultTo;
    private readonly CommandDispatcher _dispatcher;
    private readonly Func<Command, CommandSettlement, Task>? _forward;
    private readonly BackgroundWork _background;
    private readonly ILogger _logger;

    /// <param name="tenantId">The tenant of the link's address.</param>
    /// <param name="defaultTo">The target of commands without <c>to</c> (a link for one device), else null.</param>
    /// <param name="dispatcher">Routes valid commands.</param>
    /// <param name="forward">Takes commands no subscription of this instance can take (null: released).</param>
    /// <param name="background">Tracks the settling of commands.</param>
    /// <param name="logger">For rejected commands and failures.</param>
    public CommandLinkPump(string tenantId, string? defaultTo, CommandDispatcher dispatcher, Func<Command, CommandSettlement, Task>? forward,
        BackgroundWork background, ILogger logger)
    {
        _tenantId = tenantId;
        _defaultTo = defaultTo;
        _dispatcher = dispatcher;
        _forward = forward;
        _background = background;
        _logger = logger;
        Completion = Task.Run(RunAsync);
        background.Track(Completion);
    }

    /// <summary>Completes after <see cref="Complete"/> once the queue is drained.</summary>
    public Task Completion { get; }

    public void Post(Message message, CommandSettlement settlement)
    {
        if (!_queue.Writer.TryWrite((message, settlement)))
        {
            settlement.Release();
        }
    }

    /// <summary>No more messages (the link is closed); what is queued is still handled.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        await foreach (var (message, settlement) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (!CommandParser.TryParse(message, _tenantId, _defaultTo, out var command, out var rejection))
                {
                    _logger.CommandRejected(rejection!.Condition.ToString(), rejection.Description);
                    settlement.Reject(rejection);
                    continue;
                }

                var settling = await _dispatcher.DispatchAsync(command, settlement, _forward, CancellationToken.None).ConfigureAwait(false);
                _background.Track(settling);
            }
            catch (Exception e)
            {
                _logger.CommandFailed(e);
                settlement.Release();
            }
        }
    }
}
