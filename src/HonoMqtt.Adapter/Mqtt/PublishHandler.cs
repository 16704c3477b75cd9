using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// One PUBLISH from a device [Hono handlePublishedMessage / uploadMessage]: parse the topic, check QoS, resolve and
/// assert the address, check the tenant and the payload, then hand the message downstream. QoS 1 telemetry and events
/// return only when the network has settled the message, so MQTTnet's PUBACK means "accepted downstream".
/// Failures follow Hono's error handling (error subscription × <c>on-error</c>). Device messages are never routed to
/// other MQTT clients.
/// </summary>
public sealed partial class PublishHandler(
    IDeviceRegistry registry,
    IDownstreamSender sender,
    DownstreamMessageFactory messages,
    ICommandSubscriptionHandler commands,
    ErrorSubscriptions errors,
    Limits.TenantUsage usage,
    Commands.CommandRegistrations lastKnownGateways,
    IAdapterMetrics metrics,
    TimeProvider timeProvider,
    ILogger<PublishHandler> logger)
{
    public async Task HandleAsync(InterceptingPublishEventArgs e, DeviceSession session)
    {
        e.ProcessPublish = false;
        var started = timeProvider.GetTimestamp();
        var message = e.ApplicationMessage;
        var qos = (int)message.QualityOfServiceLevel;
        PublishFailure? failure;
        PropertyBag bag = PropertyBag.Empty;
        try
        {
            (failure, bag) = await ProcessAsync(message, qos, session, started, e.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (e.CancellationToken.IsCancellationRequested)
        {
            return;   // the connection is going away
        }
        catch (Exception ex)
        {
            LogUnexpected(ex, message.Topic, session.ToString());
            failure = new PublishFailure(HonoError.InternalError, false, null, null, null);
        }

        if (failure is { } f)
        {
            await HandleFailureAsync(e, session, qos, bag, f).ConfigureAwait(false);
        }
    }

    /// <summary>Hono's error handling [AbstractVertxBasedMqttProtocolAdapter.handlePublishedMessageError, spec §4.3/§4.4].</summary>
    private async Task HandleFailureAsync(InterceptingPublishEventArgs e, DeviceSession session, int qos, PropertyBag bag, PublishFailure failure)
    {
        var mode = OnErrorModes.Parse(bag.Get(PropertyBag.OnError));
        var correlationId = bag.Get(PropertyBag.CorrelationId) ?? (qos == 1 ? session.CurrentPacketId.ToString(CultureInfo.InvariantCulture) : null);
        var published = await errors.PublishAsync(session, failure.TenantId, failure.DeviceId, failure.EndpointSegment, correlationId, failure.Error)
            .ConfigureAwait(false);
        LogPublishFailed(e.ApplicationMessage.Topic, qos, session.ToString(), failure.Error.Status, failure.Error.Message, mode, published);

        // Terminal errors of authenticated devices close the connection whatever on-error says.
        var close = (failure.Terminal && session.Identity is not null) || mode switch
        {
            OnErrorMode.Disconnect => true,
            OnErrorMode.Default => !published,
            _ => false,
        };
        if (close)
        {
            session.CloseReason = "publish-error";
            e.CloseConnection = true;
            return;
        }

        if (qos == 1 && mode == OnErrorMode.SkipAck)
        {
            session.SuppressedPubAcks[session.CurrentPacketId] = 0;
            return;
        }

        if (session.ProtocolVersion == MqttProtocolVersion.V500)
        {
            e.Response.ReasonCode = PubAckTable.ToReasonCode(failure.Error);
            e.Response.ReasonString = failure.Error.Message;
        }
    }

    private async Task<(PublishFailure? Failure, PropertyBag Bag)> ProcessAsync(MqttApplicationMessage message, int qos, DeviceSession session,
        long started, CancellationToken cancellationToken)
    {
        if (!HonoTopic.TryParsePublish(message.Topic, out var topic, out var parseError) || topic is null)
        {
            // The property bag is read before the endpoint is looked at, so on-error and correlation-id apply to an
            // unknown endpoint too [Hono MqttContext.fromPublishPacket].
            var knownBag = PropertyBag.TryParse(message.Topic ?? string.Empty, out _, out var parsedBag) ? parsedBag : PropertyBag.Empty;
            return (new PublishFailure(parseError.AsTopicError(), false, null, null, FirstSegment(message.Topic ?? string.Empty)), knownBag);
        }

        var bag = topic.Properties;
        PublishFailure Fail(HonoError error, bool terminal = false, string? tenant = null, string? device = null) =>
            new(error, terminal, tenant ?? topic.TenantId, device ?? topic.DeviceId, topic.EndpointSegment);

        if (HonoTopic.CheckQos(topic.Endpoint, qos) is { } qosError)
        {
            return (Fail(qosError), bag);
        }

        if (!HonoTopic.TryResolveAddress(topic, session.Identity, out var address, out var addressError))
        {
            return (Fail(addressError.Status == 403 ? addressError : addressError.AsTopicError(), terminal: addressError.Status == 403), bag);
        }

        var assertion = await registry.AssertRegistrationAsync(address.TenantId, address.DeviceId, address.GatewayId, cancellationToken)
            .ConfigureAwait(false);
        if (!assertion.Succeeded)
        {
            // Terminal: the gateway is not (or no longer) allowed, or the device publishing for itself is gone; for a
            // gateway's unknown edge device only if the gateway itself is unknown [Hono isTerminalError].
            var error = assertion.Error!.Value;
            var terminal = error.Status == 403 || address.GatewayId is null ||
                           !(await registry.AssertRegistrationAsync(address.TenantId, address.GatewayId, null, cancellationToken).ConfigureAwait(false))
                               .Succeeded;
            return (Fail(error, terminal, address.TenantId, address.DeviceId), bag);
        }

        // Hono records the last known gateway of devices with several authorized gateways, on every successful
        // assertion [AbstractProtocolAdapterBase.updateLastGateway]; commands then follow the device's way in.
        if (assertion.AuthorizedGateways.Count > 1)
        {
            lastKnownGateways.SetLastKnownGateway(address.TenantId, address.DeviceId, address.GatewayId ?? address.DeviceId);
        }

        if (topic.Endpoint == HonoEndpoint.Command)
        {
            var responseError = await commands.UploadResponseAsync(topic, address, message, session, cancellationToken).ConfigureAwait(false);
            return (responseError is { } r ? Fail(r, false, address.TenantId, address.DeviceId) : null, bag);
        }

        // From here on the outcome counts in Hono's telemetry meters [uploadTelemetryMessage, uploadEventMessage].
        var tenant = await registry.GetTenantAsync(address.TenantId, cancellationToken).ConfigureAwait(false);
        var forwarded = await ForwardAsync(topic, address, tenant, assertion.Device!, message, qos, cancellationToken).ConfigureAwait(false);
        metrics.ReportTelemetry(topic.Endpoint, address.TenantId, tenant, MetricsTags.OutcomeOf(forwarded?.Error), qos, message.Payload.Length,
            timeProvider.GetElapsedTime(started));
        return (forwarded, bag);
    }

    private async Task<PublishFailure?> ForwardAsync(PublishTopic topic, ResolvedAddress address, TenantInfo? tenant, DeviceInfo device,
        MqttApplicationMessage message, int qos, CancellationToken cancellationToken)
    {
        var bag = topic.Properties;
        PublishFailure Fail(HonoError error, bool terminal = false) => new(error, terminal, address.TenantId, address.DeviceId, topic.EndpointSegment);

        if (tenant is not { Enabled: true })
        {
            return Fail(HonoError.TenantDisabledOrNotRegistered, true);
        }

        if (!tenant.IsAdapterEnabled())
        {
            return Fail(HonoError.AdapterDisabled, true);
        }

        var payload = PayloadBytes(message.Payload);
        if (CheckPayload(ContentTypeOf(bag, message), payload.Length) is { } payloadError)
        {
            return Fail(payloadError);
        }

        if (await usage.DataVolumeExceededAsync(tenant, payload.Length, cancellationToken).ConfigureAwait(false))
        {
            usage.AddPayload(tenant, payload.Length);   // Hono counts "unprocessable" messages too
            return Fail(DataVolumeExceeded);
        }

        var downstream = messages.CreateTelemetryOrEvent(topic.Endpoint, tenant, device, qos, message.Topic, payload,
            EffectiveContentType(bag, message), message.Retain, HonoTtl(bag), bag.Get("traceparent"), bag.Get("tracestate"));
        var outcome = await sender.SendAsync(downstream.Properties.To, downstream, waitForOutcome: qos == 1, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is not { IsServerError: true })
        {
            usage.AddPayload(tenant, payload.Length);
        }

        return outcome.Error is { } sendError ? Fail(sendError) : null;
    }

    private static readonly HonoError DataVolumeExceeded =
        new(429, "tenant's accumulated message data volume exceeds configured maximum value");

    private static string? FirstSegment(string topic)
    {
        var slash = topic.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? topic : topic[..slash];
    }

    /// <summary>The content type the device declared (property bag first, then MQTT 5's property) [MqttContext].</summary>
    private static string? ContentTypeOf(PropertyBag bag, MqttApplicationMessage message) =>
        bag.Get(PropertyBag.ContentType) ?? (string.IsNullOrEmpty(message.ContentType) ? null : message.ContentType);

    /// <summary>
    /// The downstream content type before defaults: a bag value (an empty one means "none", falling through to
    /// octet-stream, not to MQTT 5's property), else MQTT 5's property.
    /// </summary>
    private static string? EffectiveContentType(PropertyBag bag, MqttApplicationMessage message)
    {
        if (bag.Contains(PropertyBag.ContentType))
        {
            var value = bag.Get(PropertyBag.ContentType);
            return string.IsNullOrEmpty(value) ? ContentTypes.OctetStream : value;
        }

        return string.IsNullOrEmpty(message.ContentType) ? null : message.ContentType;
    }

    /// <summary>Hono's payload/content-type consistency check [AbstractProtocolAdapterBase.isPayloadOfIndicatedType].</summary>
    private static HonoError? CheckPayload(string? contentType, int payloadLength)
    {
        var matches = payloadLength == 0
            ? !string.IsNullOrEmpty(contentType)
            : contentType != ContentTypes.EmptyNotification;
        return matches ? null : HonoError.BadRequest($"Content-Type {contentType} does not match payload") with { Kind = HonoErrorKind.Payload };
    }

    /// <summary><c>hono-ttl</c> in seconds; invalid or negative values are ignored [MqttContext].</summary>
    private static long? HonoTtl(PropertyBag bag) =>
        long.TryParse(bag.Get(PropertyBag.HonoTtl), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) && ttl >= 0 ? ttl : null;

    /// <summary>The payload as one array, without copying when MQTTnet already holds it as a whole array.</summary>
    private static byte[] PayloadBytes(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment) &&
            segment.Offset == 0 && segment.Count == segment.Array!.Length)
        {
            return segment.Array;
        }

        return payload.ToArray();
    }

    [LoggerMessage(221, LogLevel.Information,
        "Publish to {Topic} (QoS {Qos}) from {Session} failed: {Status} {Reason} (on-error {Mode}, reported on error topic: {Published})")]
    private partial void LogPublishFailed(string topic, int qos, string session, int status, string reason, OnErrorMode mode, bool published);

    [LoggerMessage(222, LogLevel.Error, "Unexpected failure while handling a publish to {Topic} from {Session}")]
    private partial void LogUnexpected(Exception exception, string topic, string session);
}
