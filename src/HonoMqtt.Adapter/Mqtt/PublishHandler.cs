using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// One PUBLISH from a device [Hono handlePublishedMessage / uploadMessage]: parse the topic, check QoS, resolve and
/// assert the address, check the tenant and the payload, then hand the message downstream. QoS 1 telemetry and events
/// return only when the network has settled the message, so MQTTnet's PUBACK means "accepted downstream".
/// The adapter never routes device messages to other MQTT clients.
/// </summary>
public sealed partial class PublishHandler(
    IDeviceRegistry registry,
    IDownstreamSender sender,
    DownstreamMessageFactory messages,
    ICommandSubscriptionHandler commands,
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
        HonoError? error;
        try
        {
            error = await ProcessAsync(message, qos, session, started, e.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (e.CancellationToken.IsCancellationRequested)
        {
            return;   // the connection is going away
        }
        catch (Exception ex)
        {
            LogUnexpected(ex, message.Topic, session.ToString());
            error = HonoError.InternalError;
        }

        if (error is { } failure)
        {
            // Default error handling without an error subscription [Hono §4.4]: close the connection, no PUBACK.
            LogPublishFailed(message.Topic, qos, session.ToString(), failure.Status, failure.Message);
            session.CloseReason = "publish-error";
            e.CloseConnection = true;
        }
    }

    private async Task<HonoError?> ProcessAsync(MqttApplicationMessage message, int qos, DeviceSession session, long started,
        CancellationToken cancellationToken)
    {
        if (!HonoTopic.TryParsePublish(message.Topic, out var topic, out var parseError) || topic is null)
        {
            return parseError;
        }

        if (HonoTopic.CheckQos(topic.Endpoint, qos) is { } qosError)
        {
            return qosError;
        }

        if (!HonoTopic.TryResolveAddress(topic, session.Identity, out var address, out var addressError))
        {
            return addressError;
        }

        var assertion = await registry.AssertRegistrationAsync(address.TenantId, address.DeviceId, address.GatewayId, cancellationToken)
            .ConfigureAwait(false);
        if (!assertion.Succeeded)
        {
            return assertion.Error;
        }

        if (topic.Endpoint == HonoEndpoint.Command)
        {
            return await commands.UploadResponseAsync(topic, address, message, session, cancellationToken).ConfigureAwait(false);
        }

        // From here on the outcome counts in Hono's telemetry meters [uploadTelemetryMessage, uploadEventMessage].
        var tenant = await registry.GetTenantAsync(address.TenantId, cancellationToken).ConfigureAwait(false);
        var error = await ForwardAsync(topic, tenant, assertion.Device!, message, qos, cancellationToken).ConfigureAwait(false);
        metrics.ReportTelemetry(topic.Endpoint, address.TenantId, tenant, MetricsTags.OutcomeOf(error), qos, message.Payload.Length,
            timeProvider.GetElapsedTime(started));
        return error;
    }

    private async Task<HonoError?> ForwardAsync(PublishTopic topic, TenantInfo? tenant, DeviceInfo device, MqttApplicationMessage message, int qos,
        CancellationToken cancellationToken)
    {
        if (tenant is null)
        {
            return new HonoError(404, "tenant is disabled or not registered");
        }

        if (!tenant.Enabled)
        {
            return HonoError.TenantDisabledOrNotRegistered;
        }

        if (!tenant.IsAdapterEnabled())
        {
            return HonoError.AdapterDisabled;
        }

        var payload = PayloadBytes(message.Payload);
        var contentType = ContentTypeOf(topic.Properties, message);
        if (CheckPayload(contentType, payload.Length) is { } payloadError)
        {
            return payloadError;
        }

        var downstream = messages.CreateTelemetryOrEvent(
            topic.Endpoint,
            tenant,
            device,
            qos,
            message.Topic,
            payload,
            EffectiveContentType(topic.Properties, message),
            message.Retain,
            HonoTtl(topic.Properties));
        var waitForOutcome = qos == 1;
        var outcome = await sender.SendAsync(downstream.Properties.To, downstream, waitForOutcome, cancellationToken).ConfigureAwait(false);
        return outcome.Error;
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
        return matches ? null : HonoError.BadRequest($"Content-Type {contentType} does not match payload");
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

    [LoggerMessage(221, LogLevel.Information, "Publish to {Topic} (QoS {Qos}) from {Session} failed: {Status} {Reason}")]
    private partial void LogPublishFailed(string topic, int qos, string session, int status, string reason);

    [LoggerMessage(222, LogLevel.Error, "Unexpected failure while handling a publish to {Topic} from {Session}")]
    private partial void LogUnexpected(Exception exception, string topic, string session);
}
