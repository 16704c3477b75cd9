using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>
/// Decides on every link an application attaches to the embedded endpoint. Runs on the connection's I/O pump and
/// completes each attach at once.
/// <list type="bullet">
/// <item>Receivers (attach role = receiver) on any non-empty source address become <see cref="ConsumerLinkEndpoint"/>s.</item>
/// <item>Senders go to <see cref="SenderLinkHandler"/>; without one, or if it declines, they are refused with
/// <c>amqp:not-allowed</c>.</item>
/// </list>
/// </summary>
internal sealed class ApplicationLinkProcessor(
    ConsumerRegistry registry,
    Func<ListenerLink, string, ConsumerLinkEndpoint> createEndpoint,
    ILogger logger) : ILinkProcessor
{
    /// <summary>Handles attaches of sending applications (commands); read on every such attach.</summary>
    public IApplicationSenderLinkHandler? SenderLinkHandler { get; set; }

    public void Process(AttachContext attachContext)
    {
        var attach = attachContext.Attach;
        if (!attach.Role)
        {
            if (SenderLinkHandler?.TryAttach(attachContext) != true)
            {
                Refuse(attachContext, ErrorCode.NotAllowed, "applications cannot send on this endpoint");
            }

            return;
        }

        if (attach.Source is not Source { Dynamic: false, Address: { Length: > 0 } address })
        {
            Refuse(attachContext, ErrorCode.InvalidField, "a source address is required");
            return;
        }

        var link = attachContext.Link;
        var endpoint = createEndpoint(link, address);
        link.AddClosedCallback((_, error) =>
        {
            registry.Remove(endpoint);
            var failed = endpoint.Close(error);
            logger.ConsumerDetached(link.Name, address, error?.ToString() ?? "no error", failed);
        });
        registry.Add(endpoint); // before the attach reply, so that the consumer's first flow finds it registered
        try
        {
            attachContext.Complete(endpoint, 0);
        }
        catch
        {
            registry.Remove(endpoint);
            endpoint.Close(null);
            throw;
        }

        logger.ConsumerAttached(link.Name, address, endpoint.PreSettled);
    }

    private void Refuse(AttachContext attachContext, string condition, string description)
    {
        logger.AttachRefused(attachContext.Attach.LinkName, condition, description);
        attachContext.Complete(new Error(condition) { Description = description });
    }
}
