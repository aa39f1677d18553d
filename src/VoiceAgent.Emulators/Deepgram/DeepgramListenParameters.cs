using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Emulators.Deepgram;

/// <summary>The <c>/v1/listen</c> query parameters the emulator acts on, with Deepgram's defaults for absent ones.</summary>
internal sealed record DeepgramListenParameters(
    string Model,
    string Encoding,
    int SampleRate,
    bool InterimResults,
    int? EndpointingMs,
    int? UtteranceEndMs,
    bool VadEvents,
    bool Punctuate,
    bool SmartFormat)
{
    /// <summary>Deepgram's <c>endpointing</c> when the parameter is absent.</summary>
    public const int DefaultEndpointingMs = 10;

    /// <summary>Parses the query; on failure returns null and the <c>dg-error</c> text for a 400.</summary>
    public static DeepgramListenParameters? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        var encoding = query["encoding"].ToString().ToLowerInvariant();
        if (encoding is not ("mulaw" or "linear16"))
        {
            error = encoding.Length == 0
                ? "The emulator needs raw audio: set encoding (mulaw or linear16) and sample_rate."
                : $"The emulator decodes only encoding=mulaw or linear16, not '{encoding}'.";
            return null;
        }
        if (!int.TryParse(query["sample_rate"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var sampleRate) || sampleRate is < 8000 or > 48000)
        {
            error = "sample_rate must be an integer between 8000 and 48000 when encoding is set.";
            return null;
        }
        if (query.TryGetValue("channels", out var channels) && channels.ToString() != "1")
        {
            error = "The emulator handles mono audio only (channels=1).";
            return null;
        }

        int? endpointing = DefaultEndpointingMs;
        if (query.TryGetValue("endpointing", out var endpointingValue))
        {
            if (string.Equals(endpointingValue.ToString(), "false", StringComparison.OrdinalIgnoreCase)) endpointing = null;
            else if (int.TryParse(endpointingValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) endpointing = ms;
            else if (!string.Equals(endpointingValue.ToString(), "true", StringComparison.OrdinalIgnoreCase))
            {
                error = $"endpointing must be a number of milliseconds or false, not '{endpointingValue}'.";
                return null;
            }
        }

        int? utteranceEnd = null;
        if (query.TryGetValue("utterance_end_ms", out var utteranceEndValue))
        {
            if (!int.TryParse(utteranceEndValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                error = $"utterance_end_ms must be a number of milliseconds, not '{utteranceEndValue}'.";
                return null;
            }
            utteranceEnd = ms;
        }

        string? flagError = null;
        bool Flag(string name)
        {
            if (!query.TryGetValue(name, out var value)) return false;
            if (bool.TryParse(value.ToString(), out var flag)) return flag;
            flagError ??= $"{name} must be true or false, not '{value}'.";
            return false;
        }

        var interim = Flag("interim_results");
        var vad = Flag("vad_events");
        var punctuate = Flag("punctuate");
        var smartFormat = Flag("smart_format");
        if (flagError is not null)
        {
            error = flagError;
            return null;
        }

        var model = query["model"].ToString();
        return new DeepgramListenParameters(model.Length == 0 ? "general" : model, encoding, sampleRate, interim, endpointing,
            utteranceEnd, vad, punctuate, smartFormat);
    }
}
