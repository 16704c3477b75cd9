using System.Reflection;
using Amqp.Listener;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>
/// Reads AMQPNetLite's private <c>ListenerLink.credit</c> (2.5.5). <see cref="ConsumerCredit"/> needs it only after a
/// flow frame that did not raise the library's limit, to count sends that raced with that flow. The package version is
/// pinned centrally; <see cref="IsAvailable"/> is checked at start-up and by a test, so an upgrade that renames the
/// field is noticed.
/// </summary>
internal static class ListenerLinkCredit
{
    private static readonly FieldInfo? CreditField = FindField();

    public static bool IsAvailable => CreditField is not null;

    /// <summary>The library's credit, or 0 if it cannot be read (then a racing send may go unnoticed).</summary>
    public static uint Read(ListenerLink link) => CreditField?.GetValue(link) is uint credit ? credit : 0;

    private static FieldInfo? FindField()
    {
        var field = typeof(ListenerLink).GetField("credit", BindingFlags.Instance | BindingFlags.NonPublic);
        return field?.FieldType == typeof(uint) ? field : null;
    }
}
