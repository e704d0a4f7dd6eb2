namespace Rectification;

/// <summary>
/// What free text may hold: any language, but no control characters (other than tab and line breaks),
/// no direction overrides that make a name read otherwise than it is stored, no lone surrogates.
/// </summary>
public static class TextRules
{
    public const string Message = "No control characters, direction overrides or broken characters.";

    public static bool IsClean(string? text)
    {
        if (text is null) return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n')) return false;
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\uFFFE' or '\uFFFF') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }
}
