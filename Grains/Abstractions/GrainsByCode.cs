using Rectification.Areas;
using Rectification.Cases;

namespace Rectification;

/// <summary>
/// References to the village and area grains by code. Orleans' GetGrain&lt;T&gt;(string) works out the
/// interface's grain type on every call, reading the interface's attributes by reflection: 4–8 % of the
/// API's CPU in the month-end rush (docs/benchmarks.md). The types are worked out once here.
/// </summary>
public static class GrainsByCode
{
    public static IVillageGrain Village(this IGrainFactory grains, string code) => Get<IVillageGrain>(grains, code);

    public static IAreaGrain Area(this IGrainFactory grains, string code) => Get<IAreaGrain>(grains, code);

    private static T Get<T>(IGrainFactory grains, string code) where T : IGrainWithStringKey
    {
        var types = Types<T>.Resolved ??= Resolve<T>(grains);
        return (T)grains.GetGrain(GrainId.Create(types.Grain, code), types.Interface);
    }

    // One reference made the ordinary way tells both types.
    private static ResolvedTypes Resolve<T>(IGrainFactory grains) where T : IGrainWithStringKey
    {
        var reference = (GrainReference)(object)grains.GetGrain<T>("0");
        return new ResolvedTypes(reference.InterfaceType, reference.GrainId.Type);
    }

    // A reference, so that it is published whole: a struct of several words written by one thread could
    // be read half-written by another (an interface type still empty: an untyped reference, and a failed
    // cast under concurrent first calls).
    private sealed record ResolvedTypes(GrainInterfaceType Interface, GrainType Grain);

    // Written once per interface; a race only resolves the same types twice.
    private static class Types<T>
    {
        public static ResolvedTypes? Resolved;
    }
}
