using System.Globalization;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// The command-response part of a <c>command/[tenant]/[device]/res/&lt;req-id&gt;/&lt;status&gt;</c> PUBLISH topic
/// (spec mqtt-adapter.md §6.4; Hono <c>AbstractVertxBasedMqttProtocolAdapter.uploadCommandResponseMessage</c> and
/// <c>CommandResponse.fromRequestId</c>). Decoding the request id itself is not done here.
/// </summary>
public static class CommandResponseTopic
{
    internal const string TooFewSegments = "command response topic has too few segments";
    internal const string InvalidStatusCode = "invalid status code";
    internal const string InvalidData = "command response topic contains invalid data";

    // CommandConstants.TOPIC_POSITION_RESPONSE_REQ_ID / TOPIC_POSITION_RESPONSE_STATUS.
    private const int RequestIdIndex = 4;
    private const int StatusIndex = 5;

    /// <summary>
    /// Extracts request id and status from a command-response topic. Segment 3 (<c>res</c>/<c>s</c>) is not
    /// validated and segments after the status are ignored, as in Hono.
    /// </summary>
    /// <returns><c>false</c> with a 400 error: too few segments; status not a (Java) <c>int</c>; status outside
    /// 200–299 and 400–599, or empty request id ("command response topic contains invalid data").</returns>
    public static bool TryParse(PublishTopic topic, out string requestId, out int status, out HonoError error)
    {
        ArgumentNullException.ThrowIfNull(topic);
        requestId = string.Empty;
        status = 0;
        error = default;

        var segments = topic.Segments;
        if (segments.Count <= StatusIndex)
        {
            error = HonoError.BadRequest(TooFewSegments);
            return false;
        }

        if (!TryParseJavaInt(segments[StatusIndex], out var parsedStatus))
        {
            error = HonoError.BadRequest(InvalidStatusCode);
            return false;
        }

        // CommandResponse.INVALID_STATUS_CODE; an empty segment is null in Hono's ResourceIdentifier.
        var id = segments[RequestIdIndex];
        if (id.Length == 0 || parsedStatus < 200 || parsedStatus is >= 300 and < 400 || parsedStatus >= 600)
        {
            error = HonoError.BadRequest(InvalidData);
            return false;
        }

        requestId = id;
        status = parsedStatus;
        return true;
    }

    /// <summary>
    /// Java's <c>Integer.parseInt</c>: optional sign, then decimal digits of any script (<c>Character.digit</c>
    /// accepts every Unicode Nd character), no whitespace, must fit an <c>int</c>.
    /// </summary>
    internal static bool TryParseJavaInt(string s, out int value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        var negative = false;
        var i = 0;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
            if (s.Length == 1)
            {
                return false;
            }
        }

        long result = 0;
        long limit = negative ? -(long)int.MinValue : int.MaxValue;
        for (; i < s.Length; i++)
        {
            var digit = CharUnicodeInfo.GetDecimalDigitValue(s[i]);
            if (digit < 0 || CharUnicodeInfo.GetUnicodeCategory(s[i]) != UnicodeCategory.DecimalDigitNumber)
            {
                return false;
            }

            result = (result * 10) + digit;
            if (result > limit)
            {
                return false;
            }
        }

        value = (int)(negative ? -result : result);
        return true;
    }
}
