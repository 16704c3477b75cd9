using System.Reflection;
using Amqp.Listener;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>
/// Reads and writes AMQPNetLite's private <c>ListenerLink.credit</c> (2.5.5), which the library zeroes on any flow that
/// does not raise its limit (a duplicate flow, or a drain request that repeats the credit).
/// <see cref="ConsumerCredit"/> reads it after such a flow to count sends that raced with it; a drain writes our credit
/// back before <c>CompleteDrain</c>, which advances the delivery count by the library's credit. The package version is
/// pinned centrally; <see cref="IsAvailable"/> is logged at start-up and checked by a test, so an upgrade that changes
/// the field is noticed.
/// </summary>
/// <remarks>Callers hold the consumer's gate (no send can run) and are on the link's connection pump (no flow can run).</remarks>
internal static class ListenerLinkCredit
{
    private static readonly FieldInfo? CreditField = FindField();

    public static bool IsAvailable => CreditField is not null;

    /// <summary>The library's credit, or 0 if it cannot be read (then a racing send may go unnoticed).</summary>
    public static uint Read(ListenerLink link) => CreditField?.GetValue(link) is uint credit ? credit : 0;

    /// <summary>Overwrites the library's credit; false if the field is not available.</summary>
    public static bool TryWrite(ListenerLink link, uint credit)
    {
        if (CreditField is null)
        {
            return false;
        }

        CreditField.SetValue(link, credit);
        return true;
    }

    private static FieldInfo? FindField()
    {
        var field = typeof(ListenerLink).GetField("credit", BindingFlags.Instance | BindingFlags.NonPublic);
        return field?.FieldType == typeof(uint) ? field : null;
    }
}
