import { describe, expect, it } from 'vitest';
import { parseSnapResponseCode, SNAP_CASE, SNAP_SERVICE, snapResponse, type SnapCase, type SnapService } from '../../src/payments/snap-response-codes.js';
import {
  composeVirtualAccountNo,
  formatSnapAmount,
  padPartnerServiceId,
  parseSnapAmount,
  parseVirtualAccountNo,
  VirtualAccountError,
  virtualAccountFieldsAgree,
} from '../../src/payments/virtual-account.js';

describe('SNAP response codes', () => {
  it('gives the seven-digit code and message a bank expects for the cases the biller answers', () => {
    // Expected values read off the ASPI "Daftar Response Code" table, service codes from the VA and access-token pages.
    expect(snapResponse('accessTokenB2b', 'success')).toEqual({ httpStatus: 200, responseCode: '2007300', responseMessage: 'Successful' });
    expect(snapResponse('vaInquiry', 'success').responseCode).toBe('2002400');
    expect(snapResponse('vaPayment', 'success').responseCode).toBe('2002500');
    expect(snapResponse('vaReport', 'success').responseCode).toBe('2003500');
    expect(snapResponse('vaPayment', 'invalidSignature')).toEqual({ httpStatus: 401, responseCode: '4012500', responseMessage: 'Unauthorized. [Signature]' });
    expect(snapResponse('accessTokenB2b', 'invalidSignature').responseCode).toBe('4017300');
    expect(snapResponse('accessTokenB2b', 'unknownClient').responseMessage).toBe('Unauthorized. [Unknown client]');
    expect(snapResponse('accessTokenB2b', 'invalidTimestamp')).toEqual({
      httpStatus: 400,
      responseCode: '4007301',
      responseMessage: 'Invalid Field Format [X-TIMESTAMP]',
    });
    expect(snapResponse('vaInquiry', 'invalidTimestamp').responseCode).toBe('4002401');
    expect(snapResponse('vaInquiry', 'invalidFieldFormat', 'virtualAccountNo').responseMessage).toBe('Invalid Field Format [virtualAccountNo]');
    expect(snapResponse('vaInquiry', 'invalidMandatoryField', 'X-EXTERNAL-ID').responseMessage).toBe('Invalid Mandatory Field [X-EXTERNAL-ID]');
    expect(snapResponse('vaInquiry', 'unauthorized', 'Invalid token scope').responseMessage).toBe('Unauthorized. [Invalid token scope]');
    expect(snapResponse('vaInquiry', 'invalidMandatoryField').responseMessage).toBe('Invalid Mandatory Field');
    expect(snapResponse('vaInquiry', 'billNotFound')).toEqual({ httpStatus: 404, responseCode: '4042412', responseMessage: 'Invalid Bill/Virtual Account' });
    expect(snapResponse('vaPayment', 'invalidAmount')).toEqual({ httpStatus: 404, responseCode: '4042513', responseMessage: 'Invalid Amount' });
    expect(snapResponse('vaPayment', 'billPaid')).toEqual({ httpStatus: 404, responseCode: '4042514', responseMessage: 'Paid Bill' });
    expect(snapResponse('vaPayment', 'billExpired')).toEqual({ httpStatus: 404, responseCode: '4042519', responseMessage: 'Invalid Bill/Virtual Account' });
    expect(snapResponse('vaPayment', 'inconsistentRequest').responseCode).toBe('4042518');
    expect(snapResponse('vaPayment', 'conflict')).toEqual({ httpStatus: 409, responseCode: '4092500', responseMessage: 'Conflict' });
    expect(snapResponse('vaInquiry', 'invalidToken')).toEqual({ httpStatus: 401, responseCode: '4012401', responseMessage: 'Invalid Token (B2B)' });
    expect(snapResponse('vaPayment', 'generalError').responseCode).toBe('5002500');
  });

  it('every code is HTTP status + service + case, and parses back', () => {
    for (const service of Object.keys(SNAP_SERVICE) as SnapService[]) {
      for (const kase of Object.keys(SNAP_CASE) as SnapCase[]) {
        const { httpStatus, responseCode, responseMessage } = snapResponse(service, kase);
        expect(responseCode).toMatch(/^\d{7}$/);
        expect(parseSnapResponseCode(responseCode)).toEqual({ httpStatus, serviceCode: SNAP_SERVICE[service], caseCode: SNAP_CASE[kase].caseCode });
        expect(responseMessage.length).toBeGreaterThan(0);
        expect(responseMessage).not.toMatch(/[{}]/);
      }
    }
    expect(snapResponse('vaInquiry', 'invalidSignature', 'ignored').responseMessage).toBe('Unauthorized. [Signature]');
    expect(snapResponse('vaInquiry', 'unauthorized', 'x'.repeat(200)).responseMessage).toHaveLength(150);
    for (const bad of ['200240', '20024000', '6002400', 'abcdefg']) expect(parseSnapResponseCode(bad)).toBeNull();
  });
});

describe('virtualAccountNo', () => {
  it('pads partnerServiceId to 8 characters with spaces on the left', () => {
    expect(padPartnerServiceId('12345')).toBe('   12345');
    expect(padPartnerServiceId('088899')).toBe('  088899');
    expect(padPartnerServiceId('  088899')).toBe('  088899');
    expect(padPartnerServiceId('12345678')).toBe('12345678');
    for (const bad of ['', '123456789', '12 345', 'ABCDE', '12345 ', '        ']) expect(() => padPartnerServiceId(bad)).toThrow(VirtualAccountError);
  });

  it('composes partnerServiceId + customerNo as in the spec sample, and parses it back', () => {
    const va = composeVirtualAccountNo('088899', '12345678901234567890');
    expect(va).toBe('  08889912345678901234567890');
    expect(va).toHaveLength(28);
    expect(parseVirtualAccountNo(va)).toEqual({ partnerServiceId: '  088899', customerNo: '12345678901234567890' });
    expect(parseVirtualAccountNo(composeVirtualAccountNo('12345', '0012026000123'))).toEqual({ partnerServiceId: '   12345', customerNo: '0012026000123' });
  });

  it('refuses customer numbers and VA numbers out of shape', () => {
    for (const bad of ['', '123456789012345678901', '12-34', ' 1234']) expect(() => composeVirtualAccountNo('12345', bad)).toThrow(VirtualAccountError);
    for (const bad of ['   12345', '12345123', '   1234 5678', '   12345123456789012345678901', 'ABCDEFGH123', '           ']) {
      expect(() => parseVirtualAccountNo(bad)).toThrow(VirtualAccountError);
    }
  });

  it('checks that the three fields of a body agree', () => {
    expect(virtualAccountFieldsAgree({ partnerServiceId: '  088899', customerNo: '123', virtualAccountNo: '  088899123' })).toBe(true);
    expect(virtualAccountFieldsAgree({ partnerServiceId: '088899', customerNo: '123', virtualAccountNo: '  088899123' })).toBe(true);
    expect(virtualAccountFieldsAgree({ partnerServiceId: '  088899', customerNo: '124', virtualAccountNo: '  088899123' })).toBe(false);
    expect(virtualAccountFieldsAgree({ partnerServiceId: '  088899', customerNo: '123', virtualAccountNo: '088899123' })).toBe(false);
    expect(virtualAccountFieldsAgree({ partnerServiceId: 'x', customerNo: '123', virtualAccountNo: '  088899123' })).toBe(false);
  });
});

describe('SNAP amounts', () => {
  it('writes whole rupiah with two decimals in IDR and reads them back', () => {
    expect(formatSnapAmount(150_000)).toEqual({ value: '150000.00', currency: 'IDR' });
    expect(formatSnapAmount(0)).toEqual({ value: '0.00', currency: 'IDR' });
    expect(parseSnapAmount({ value: '6176270.00', currency: 'IDR' })).toBe(6_176_270);
    expect(parseSnapAmount(formatSnapAmount(9_999_999_999_999))).toBe(9_999_999_999_999);
  });

  it('refuses sen, other currencies, missing decimals, leading zeros and amounts out of range', () => {
    for (const bad of [
      { value: '150000.50', currency: 'IDR' },
      { value: '150000', currency: 'IDR' },
      { value: '150000.0', currency: 'IDR' },
      { value: '0150000.00', currency: 'IDR' },
      { value: '150,000.00', currency: 'IDR' },
      { value: '-1.00', currency: 'IDR' },
      { value: '10000000000000.00', currency: 'IDR' },
      { value: '150000.00', currency: 'USD' },
    ]) {
      expect(() => parseSnapAmount(bad)).toThrow(VirtualAccountError);
    }
    for (const bad of [-1, 1.5, 10_000_000_000_000]) expect(() => formatSnapAmount(bad)).toThrow(VirtualAccountError);
  });
});
