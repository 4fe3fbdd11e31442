/** DOMAIN.md's worked example as the estimate form and `GET /api/v1/fees/estimate` read it (Rp 6,176,270). */
export const WORKED_EXAMPLE_FORM = {
  floorArea: '235',
  floorCount: '2',
  buildingFunction: 'umkm',
  complexity: 'not_simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  lowIncomeHouse: 'no',
} as const;
