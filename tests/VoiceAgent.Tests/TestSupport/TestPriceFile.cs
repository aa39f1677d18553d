using System.Globalization;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// A price file (PRICES_FILE) for cost tests: EUR, prices as of 2026-01-15, one carrier price for the transport under
/// test, STT and TTS, and the one model the test servers use (<c>claude-haiku-4-5</c>). Written to a temporary file
/// that is deleted on dispose.
/// </summary>
public sealed class TestPriceFile : IDisposable
{
    public TestPriceFile(string transport, decimal carrierPerMinute, decimal sttPerMinute, decimal ttsPer1kCharacters,
        decimal inputPerMillion, decimal cachedInputPerMillion, decimal outputPerMillion)
    {
        Path = System.IO.Path.GetTempFileName();
        File.WriteAllText(Path, string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "currency": "EUR",
              "pricesAsOf": "2026-01-15",
              "carrierPerMinute": { "{{transport}}": {{carrierPerMinute}} },
              "sttPerMinute": {{sttPerMinute}},
              "ttsPer1kCharacters": {{ttsPer1kCharacters}},
              "models": { "claude-haiku-4-5": { "inputPerMillion": {{inputPerMillion}}, "cachedInputPerMillion": {{cachedInputPerMillion}}, "outputPerMillion": {{outputPerMillion}} } }
            }
            """));
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
