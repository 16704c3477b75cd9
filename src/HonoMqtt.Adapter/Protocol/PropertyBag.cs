namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// The <em>property bag</em> of a PUBLISH topic: everything from the last <c>/?</c> on, decoded as a URL query
/// string (spec mqtt-adapter.md §3.1; Hono <c>adapters/mqtt-base/.../PropertyBag.java</c> <c>fromTopic</c>).
/// Keys are matched case-insensitively (ASCII only, like vert.x's <c>caseInsensitiveMultiMap</c>), values are
/// kept as decoded, and for a repeated key the first value wins.
/// </summary>
public sealed class PropertyBag
{
    /// <summary>Payload media type; overrides the MQTT 5 Content Type property.</summary>
    public const string ContentType = "content-type";

    /// <summary>Event time-to-live in seconds (events only).</summary>
    public const string HonoTtl = "hono-ttl";

    /// <summary>Error handling mode: <c>default</c>, <c>disconnect</c>, <c>ignore</c>, <c>skip-ack</c>.</summary>
    public const string OnError = "on-error";

    /// <summary>Correlation id echoed in error messages.</summary>
    public const string CorrelationId = "correlation-id";

    private readonly KeyValuePair<string, string>[] _entries;

    private PropertyBag(KeyValuePair<string, string>[] entries)
    {
        _entries = entries;
    }

    /// <summary>A bag without properties (topic without <c>/?</c>).</summary>
    public static PropertyBag Empty { get; } = new([]);

    /// <summary>
    /// All properties in vert.x iteration order: keys (case-sensitive) in order of first occurrence, each
    /// followed by all its values (Hono copies Netty's <c>Map&lt;String, List&lt;String&gt;&gt;</c> key by key).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>
    /// Splits <paramref name="topic"/> at the last <c>/?</c> into the topic proper and its property bag.
    /// </summary>
    /// <returns>
    /// <c>false</c> if <c>/?</c> is at index 0 (the topic path would be empty) or the query string cannot be
    /// decoded (malformed <c>%</c> escape). A topic without <c>/?</c> yields itself and <see cref="Empty"/>.
    /// Empty topics and topics starting with <c>/</c> are rejected by <see cref="HonoTopic.TryParsePublish"/>,
    /// not here.
    /// </returns>
    public static bool TryParse(string topic, out string topicWithoutBag, out PropertyBag bag)
    {
        ArgumentNullException.ThrowIfNull(topic);

        var index = topic.LastIndexOf("/?", StringComparison.Ordinal);
        if (index < 0)
        {
            topicWithoutBag = topic;
            bag = Empty;
            return true;
        }

        topicWithoutBag = string.Empty;
        bag = Empty;
        if (index == 0)
        {
            return false;
        }

        // Hono hands "/?..." to QueryStringDecoder as a URI: its path ends at the '?'.
        if (!NettyQueryString.TryDecode(topic[(index + 1)..], out var parameters))
        {
            return false;
        }

        topicWithoutBag = topic[..index];
        bag = parameters.Count == 0 ? Empty : new PropertyBag([.. parameters]);
        return true;
    }

    /// <summary>The first value of <paramref name="key"/> (ASCII case-insensitive), or <c>null</c>.</summary>
    public string? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var entry in _entries)
        {
            if (AsciiEqualsIgnoreCase(entry.Key, key))
            {
                return entry.Value;
            }
        }

        return null;
    }

    public bool Contains(string key) => Get(key) is not null;

    public override string ToString() => string.Join('&', _entries.Select(e => $"{e.Key}={e.Value}"));

    // Netty AsciiString.contentEqualsIgnoreCase: only A-Z/a-z fold, so "Ä" and "ä" are different keys.
    private static bool AsciiEqualsIgnoreCase(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && AsciiLower(a[i]) != AsciiLower(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static char AsciiLower(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
}
