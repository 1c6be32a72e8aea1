use gdcert::arith::{Interval, Enclosure, q_frac, q_int};
use gdcert::methods::quadrature::integrate;
use gdcert::spec::two_factor::transverse_log_integrand;
fn main() {
    let unit = Interval::try_from((1.0,1.0)).unwrap();
    for mu in [q_frac(3,5), q_frac(3,2), q_frac(19,10), q_frac(199,100)] {
        for order in [8usize, 12, 16, 20] {
            for pieces in [8u32, 16, 32, 64, 128] {
                let v = integrate(&unit, &q_int(0), &q_int(1), pieces, order, |t| transverse_log_integrand(&mu, t));
                print!("{order}/{pieces}:{:.1e} ", v.width_f64());
            }
            println!(" mu={mu}");
        }
    }
}
