// TLP levels as the hub names them (search's `tlp`) and as STIX marks them (the marking-definition
// ids of TLP 2.0 and of TLP 1.0, whose WHITE is CLEAR).

export type Tlp = "" | "clear" | "green" | "amber" | "amber+strict" | "red";

const MARKINGS: Record<string, Tlp> = {
  "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
  "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
  "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
  "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
  "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
};

// The TLP a marking-definition id stands for; undefined for any other marking.
export function tlpOfMarking(id: string): Tlp | undefined {
  return MARKINGS[id];
}

const ORDER: Tlp[] = ["", "clear", "green", "amber", "amber+strict", "red"];

// The most restrictive TLP among an object's object_marking_refs; "" when it has none.
export function tlpOfObject(o: Record<string, unknown>): Tlp {
  const refs = Array.isArray(o.object_marking_refs) ? o.object_marking_refs : [];
  let tlp: Tlp = "";
  for (const r of refs) {
    const t = typeof r === "string" ? MARKINGS[r] : undefined;
    if (t && ORDER.indexOf(t) > ORDER.indexOf(tlp)) tlp = t;
  }
  return tlp;
}

export function tlpLabel(tlp: Tlp | string): string {
  return tlp ? `TLP:${tlp.toUpperCase()}` : "no TLP marking";
}

// The TLP 2.0 marking-definition id a producer marks an object with, by level.
export const TLP2_MARKING: Record<Exclude<Tlp, "">, string> = {
  clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};
