use gdcert::arith::{RatInterval, Ring, Elementary, Enclosure, q_frac, jet::Jet};
use std::time::Instant;
fn main() {
    let bits = 128;
    let u = RatInterval::unit(bits);
    let t = Instant::now();
    let pi = u.pi();
    println!("pi {:?}", t.elapsed());
    let t = Instant::now();
    let x = RatInterval::new(q_frac(1,64), q_frac(2,64), bits);
    let c = (pi.clone() * &x).cos();
    println!("cos interval {:?}", t.elapsed());
    let t = Instant::now();
    let l = (c.clone() + &u.int(3)).ln();
    println!("ln {:?} {:?}", t.elapsed(), l.bounds().map(|(a,_)| a.numer().bits()));
    let t = Instant::now();
    let j = Jet::var(x.clone(), 12);
    let c = (j.pi() * &j).cos();
    println!("jet cos {:?}", t.elapsed());
    let t = Instant::now();
    let p = j.int(1) + &(c.clone() * &j.constant(&q_frac(3,1))) + &(c.sqr() * &j.int(4));
    println!("jet poly {:?}", t.elapsed());
    let t = Instant::now();
    let l = p.ln();
    println!("jet ln {:?} {:?}", t.elapsed(), l.c[12].bounds().map(|(a,_)| (a.numer().bits(), a.denom().bits())));
}
